#include "usage.hpp"

#include <unistd.h>

#include "log.hpp"

namespace pidone {

void print_help() {
  write_all(STDOUT_FILENO,
            "Usage: pidone [OPTIONS] [--] COMMAND [ARG...]\n"
            "Runs COMMAND as its child, forwards signals to it (to its process group by\n"
            "default), reaps zombies, and exits with its status (128+N after signal N).\n"
            "Options end at the first word that is not one.\n"
            "\n"
            "  -c, --single-child      signal the child only; no setsid\n"
            "  -g                      signal the child's process group (default)\n"
            "  -r, --rewrite S:R       send R when S arrives; R=0 drops S (repeatable)\n"
            "                          (15, TERM, SIGUSR1, RTMIN+2, ...)\n"
            "  -s, --subreaper         warn if pidone cannot become a subreaper\n"
            "  -p, --pdeathsig SIG     get (and forward) SIG when pidone's parent dies\n"
            "  -e, --remap-exit CODE   exit 0 when the status is CODE (repeatable)\n"
            "  -w, --warn-reap         warn about each reaped orphan\n"
            "      --grace SECONDS     after the child exits, SIGTERM what remains,\n"
            "                          wait up to SECONDS, then SIGKILL\n"
            "  -v, --verbose           more messages (repeatable)\n"
            "  -V, --version           print the version\n"
            "  -h, --help              print this help\n"
            "  -l, --license           print the license\n"
            "\n"
            "Environment (options win): PIDONE_SINGLE_CHILD, PIDONE_REWRITE, PIDONE_GRACE,\n"
            "PIDONE_VERBOSE, PIDONE_SUBREAPER, PIDONE_PDEATHSIG, PIDONE_REMAP_EXIT,\n"
            "DUMB_INIT_SETSID, DUMB_INIT_DEBUG, TINI_SUBREAPER, TINI_VERBOSITY,\n"
            "TINI_KILL_PROCESS_GROUP.\n"
            "Exit status: COMMAND's; 127 if not found, 126 if it cannot run; 1 on errors.\n");
}

void print_version() { write_all(STDOUT_FILENO, "pidone version " PIDONE_VERSION " - git." PIDONE_COMMIT "\n"); }

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
