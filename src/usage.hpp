#pragma once
// What pidone prints on stdout: --help, --version and --license.

namespace pidone {

void print_help();
// Exactly one line, "pidone version X.Y.Z - git.COMMIT": dockerd runs
// `INIT --version` for `docker info` and takes the commit after " - git.".
void print_version();
void print_license();

}  // namespace pidone
