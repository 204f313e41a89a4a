#include "usage.hpp"

#include <unistd.h>

#include "log.hpp"

namespace pidone {

void print_help() {
  write_all(STDOUT_FILENO,
            "Usage: pidone [OPTIONS] [--] COMMAND [ARG...]\n"
            "\n"
            "A minimal init for containers: runs COMMAND as its child, forwards every\n"
            "signal to it (to its whole process group by default), reaps zombies, and\n"
            "exits with COMMAND's status (128+N if signal N killed it).\n"
            "\n"
            "Options (the first word that is not an option starts COMMAND):\n"
            "  -c, --single-child      forward signals to the child only; no setsid\n"
            "  -g                      forward signals to the child's process group (default)\n"
            "  -r, --rewrite S:R       send signal R when S arrives; R=0 drops S (repeatable;\n"
            "                          numbers or names: TERM, SIGUSR1, RTMIN+2, 15)\n"
            "  -s, --subreaper         warn if pidone cannot become a child subreaper\n"
            "                          (it always tries when it is not PID 1)\n"
            "  -p, --pdeathsig SIG     receive (and forward) SIG when pidone's parent dies\n"
            "  -e, --remap-exit CODE   exit 0 when the child's status is CODE (repeatable)\n"
            "  -w, --warn-reap         warn about every reaped process other than the child\n"
            "      --grace SECONDS     when the child exits, SIGTERM what remains and wait up\n"
            "                          to SECONDS (fractions allowed) before SIGKILL\n"
            "  -v, --verbose           more messages on stderr (repeatable)\n"
            "  -V, --version           print the version and exit\n"
            "  -h, --help              print this help and exit\n"
            "  -l, --license           print the license and exit\n"
            "\n"
            "Environment (options win): PIDONE_SINGLE_CHILD=0|1, PIDONE_REWRITE=S:R,...,\n"
            "PIDONE_GRACE=SECONDS, PIDONE_VERBOSE=N, PIDONE_SUBREAPER=0|1,\n"
            "PIDONE_PDEATHSIG=SIG, PIDONE_REMAP_EXIT=CODE,...; dumb-init's DUMB_INIT_SETSID,\n"
            "DUMB_INIT_DEBUG; tini's TINI_SUBREAPER, TINI_VERBOSITY, TINI_KILL_PROCESS_GROUP.\n"
            "\n"
            "Exit status: COMMAND's; 128+N if signal N killed it; 0 for codes given to -e;\n"
            "1 for a usage error or when COMMAND cannot be started; 126 when COMMAND\n"
            "cannot be executed; 127 when it is not found.\n");
}

void print_version() {
  write_all(STDOUT_FILENO, "pidone version " PIDONE_VERSION " - git." PIDONE_COMMIT "\n");
}

void print_license() {
  write_all(STDOUT_FILENO,
            "MIT License\n"
            "\n"
            "Copyright (c) 2026 the pidone authors\n"
            "\n"
            "Permission is hereby granted, free of charge, to any person obtaining a copy\n"
            "of this software and associated documentation files (the \"Software\"), to deal\n"
            "in the Software without restriction, including without limitation the rights\n"
            "to use, copy, modify, merge, publish, distribute, sublicense, and/or sell\n"
            "copies of the Software, and to permit persons to whom the Software is\n"
            "furnished to do so, subject to the following conditions:\n"
            "\n"
            "The above copyright notice and this permission notice shall be included in all\n"
            "copies or substantial portions of the Software.\n"
            "\n"
            "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\n"
            "IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\n"
            "FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\n"
            "AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\n"
            "LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\n"
            "OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\n"
            "SOFTWARE.\n");
}

}  // namespace pidone
