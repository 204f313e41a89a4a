#include "children.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "text.hpp"
#include "unique_fd.hpp"

namespace pidone {
namespace {

// open() as the bare system call: musl's handles O_CREAT's variadic mode
// and kernels older than O_CLOEXEC, at twice the size.
int open_to_read(const char* path, int flags) {
  return static_cast<int>(syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC | flags));
}

// The parent pid from /proc/PID/stat: "PID (COMM) STATE PPID ...". COMM may
// hold ')' and spaces, so look for the last ')' in the first bytes, which
// hold at least the 16-byte command name and what follows it.
pid_t parent_of(Text pid) {
  char path[32] = "/proc/";
  if (pid.size > sizeof path - sizeof "/proc//stat") return -1;
  memcpy(path + 6, pid.data, pid.size);
  memcpy(path + 6 + pid.size, "/stat", sizeof "/stat");
  UniqueFd stat(open_to_read(path, 0));
  if (!stat.valid()) return -1;
  char line[128];
  const ssize_t length = read(stat.get(), line, sizeof line);
  if (length <= 0) return -1;
  const char* close_paren = static_cast<const char*>(memrchr(line, ')', static_cast<size_t>(length)));
  if (close_paren == nullptr) return -1;
  const char* field = close_paren + 4;  // past ") S "
  const char* end = line + length;
  Text ppid(field, 0);
  while (field + ppid.size < end && field[ppid.size] != ' ') ++ppid.size;
  unsigned parent = 0;
  return field < end && parse_unsigned(ppid, 0x3fffffff, parent) ? static_cast<pid_t>(parent) : -1;
}

// getdents64() fills the buffer with the kernel's struct linux_dirent64,
// which the C library's dirent matches on x86_64 and aarch64.
static_assert(offsetof(dirent, d_reclen) == 16 && offsetof(dirent, d_name) == 19, "linux_dirent64's layout");

}  // namespace

int signal_children_of(pid_t parent, int signal) {
  int signalled = 0;
  UniqueFd proc(open_to_read("/proc", O_DIRECTORY));
  if (!proc.valid()) return 0;
  alignas(dirent) char entries[4096];
  for (;;) {
    const long length = syscall(SYS_getdents64, proc.get(), entries, sizeof entries);
    if (length <= 0) return signalled;
    for (long offset = 0; offset < length;) {
      // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): getdents64 fills bytes with dirents
      const dirent* entry = reinterpret_cast<const dirent*>(entries + offset);
      offset += entry->d_reclen;
      unsigned pid = 0;
      if (!parse_unsigned(entry->d_name, 0x3fffffff, pid)) continue;
      if (parent_of(entry->d_name) == parent && kill(static_cast<pid_t>(pid), signal) == 0) ++signalled;
    }
  }
}

}  // namespace pidone
