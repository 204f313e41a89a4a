#include "usage.hpp"

#include <unistd.h>

#include "log.hpp"

namespace pidone {

void print_version() { write_all(STDOUT_FILENO, "pidone version " PIDONE_VERSION " - git." PIDONE_COMMIT "\n"); }

// The short notice, with the copyright: the full text would be a twentieth
// of the binary, and every artifact carries it beside the binary.
void print_license() {
  write_all(STDOUT_FILENO,
            "pidone is free software under the MIT License.\n"
            "Copyright (c) 2026 the pidone authors\n"
            "The full license text comes with every copy of pidone: LICENSE in the\n"
            "source and beside the release binaries, /usr/share/doc/pidone/copyright\n"
            "in the .deb, and /usr/share/doc/pidone/LICENSE in the images.\n");
}

}  // namespace pidone
