#include "proc_reading.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "process.hpp"

namespace bench {
namespace {

// Reads /proc/PID/NAME into `buffer`, NUL-terminated; false if it cannot.
bool read_proc_file(pid_t pid, const char* name, char* buffer, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", pid, name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  size_t length = 0;
  for (;;) {
    ssize_t got = read(fd, buffer + length, size - 1 - length);
    if (got <= 0) break;
    length += static_cast<size_t>(got);
  }
  close(fd);
  buffer[length] = '\0';
  return length > 0;
}

}  // namespace

int64_t status_field(pid_t pid, const char* key) {
  char status[4096];
  if (!read_proc_file(pid, "status", status, sizeof status)) return -1;
  size_t key_length = strlen(key);
  for (const char* line = status; line != nullptr && *line != '\0';) {
    if (strncmp(line, key, key_length) == 0) return strtoll(line + key_length, nullptr, 10);
    line = strchr(line, '\n');
    if (line != nullptr) ++line;
  }
  return -1;
}

int64_t context_switches(pid_t pid) {
  int64_t voluntary = status_field(pid, "voluntary_ctxt_switches:");
  int64_t involuntary = status_field(pid, "nonvoluntary_ctxt_switches:");
  if (voluntary < 0 || involuntary < 0) fail("no context switch counts for process %d", pid);
  return voluntary + involuntary;
}

int64_t mapped_files_size(pid_t pid) {
  char maps[16384];
  if (!read_proc_file(pid, "maps", maps, sizeof maps)) fail("cannot read /proc/%d/maps", pid);
  constexpr int kMaxFiles = 32;
  const char* files[kMaxFiles];
  int file_count = 0;
  int64_t total = 0;
  // Each line: ADDRESSES PERMISSIONS OFFSET DEVICE INODE [PATH]
  for (char* line = strtok(maps, "\n"); line != nullptr; line = strtok(nullptr, "\n")) {
    const char* path = strchr(line, '/');
    if (path == nullptr || path == line || path[-1] != ' ') continue;
    bool seen = false;
    for (int i = 0; i < file_count; ++i) seen |= strcmp(files[i], path) == 0;
    if (seen) continue;
    if (file_count == kMaxFiles) fail("process %d maps more than %d files", pid, kMaxFiles);
    files[file_count++] = path;
    struct stat info;
    if (stat(path, &info) != 0) fail("mapped file %s of process %d: cannot stat", path, pid);
    total += info.st_size;
  }
  return total;
}

SchedulerTimes scheduler_times(pid_t pid) {
  char schedstat[128];
  if (!read_proc_file(pid, "schedstat", schedstat, sizeof schedstat)) {
    fail("cannot read /proc/%d/schedstat", pid);
  }
  char* after_running;
  SchedulerTimes times{};
  times.running_ns = strtoll(schedstat, &after_running, 10);
  times.waiting_ns = strtoll(after_running, nullptr, 10);
  return times;
}

}  // namespace bench
