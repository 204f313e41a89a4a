// nologin: the login shell of accounts that must not log in. Like
// util-linux's, it prints /etc/nologin.txt when that file exists, else a
// fixed message, on stdout, and exits 1 whatever its arguments.
#include <fcntl.h>
#include <unistd.h>

#include "log.hpp"
#include "unique_fd.hpp"

namespace {

bool copy_to_stdout(int fd) {
  char buffer[4096];
  for (;;) {
    const ssize_t length = read(fd, buffer, sizeof buffer);
    if (length == 0) return true;
    if (length < 0 || !pidone::write_all(STDOUT_FILENO, pidone::Text(buffer, static_cast<size_t>(length))))
      return false;
  }
}

}  // namespace

int main() {
  const pidone::UniqueFd message(open("/etc/nologin.txt", O_RDONLY | O_CLOEXEC));
  if (!message.valid() || !copy_to_stdout(message.get()))
    pidone::write_all(STDOUT_FILENO, "This account is currently not available.\n");
  return 1;
}
