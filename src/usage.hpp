#pragma once
// What pidone prints on stdout for --version and --license (--help comes
// from the option table, in options.cpp).

namespace pidone {

// Exactly one line, "pidone version X.Y.Z - git.COMMIT": dockerd runs
// `INIT --version` for `docker info` and takes the commit after " - git.".
void print_version();
void print_license();

}  // namespace pidone
