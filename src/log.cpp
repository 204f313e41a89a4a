#include "log.hpp"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "signals.hpp"

namespace pidone {
namespace {

// Set once, by main(), from the options.
int verbosity = log::kDefaultVerbosity;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

struct ErrorText {
  int number;
  const char* text;
};

// The errors pidone can meet, described as the C library would; musl's full
// strerror() table would be a tenth of the binary.
constexpr ErrorText kErrorTexts[] = {
    {EPERM, "Operation not permitted"}, {ENOENT, "No such file or directory"},
    {ESRCH, "No such process"},         {E2BIG, "Argument list too long"},
    {ENOEXEC, "Exec format error"},     {EAGAIN, "Resource temporarily unavailable"},
    {ENOMEM, "Out of memory"},          {EACCES, "Permission denied"},
    {ENOTDIR, "Not a directory"},       {EISDIR, "Is a directory"},
    {EINVAL, "Invalid argument"},       {ENOTTY, "Not a tty"},
    {ETXTBSY, "Text file busy"},        {ENAMETOOLONG, "Filename too long"},
    {ELOOP, "Symbolic link loop"},      {EIO, "I/O error"},
};

}  // namespace

bool write_all(int fd, Text text) {
  while (!text.empty()) {
    ssize_t written = write(fd, text.data, text.size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    text = Text(text.data + written, text.size - static_cast<size_t>(written));
  }
  return true;
}

namespace log {

void set_verbosity(int level) { verbosity = level; }

bool enabled(Level level) { return level == Level::Error || static_cast<int>(level) <= verbosity; }

void Line::append(Text text) {
  size_t room = sizeof buffer_ - 1 - length_;  // keep one byte for the newline
  size_t count = text.size < room ? text.size : room;
  memcpy(buffer_ + length_, text.data, count);
  length_ += count;
}

void Line::append(long long number) {
  char digits[24];
  char* end = digits + sizeof digits;
  char* start = end;
  unsigned long long magnitude =
      number < 0 ? 0ULL - static_cast<unsigned long long>(number) : static_cast<unsigned long long>(number);
  do {
    *--start = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (number < 0) *--start = '-';
  append(Text(start, static_cast<size_t>(end - start)));
}

// SIGTERM, SIGRTMIN, SIGRTMIN+2, or "signal 33" for glibc's own.
void Line::append(SignalName signal) {
  const char* name = standard_signal_name(signal.number);
  if (name != nullptr) {
    append("SIG");
    append(name);
  } else if (signal.number >= kRealtimeMin && signal.number <= kMaxSignal) {
    append("SIGRTMIN");
    if (signal.number > kRealtimeMin) {
      append("+");
      append(signal.number - kRealtimeMin);
    }
  } else {
    append("signal ");
    append(signal.number);
  }
}

void Line::append(SystemError error) {
  for (const ErrorText& entry : kErrorTexts) {
    if (entry.number == error.number) {
      append(entry.text);
      return;
    }
  }
  append("error ");
  append(error.number);
}

void Line::write_to(int fd) {
  buffer_[length_++] = '\n';
  write_all(fd, Text(buffer_, length_));
}

}  // namespace log
}  // namespace pidone
