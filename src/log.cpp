#include "log.hpp"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "signals.hpp"

namespace pidone {
namespace {

// Set once, by main(), from the options.
int verbosity = log::kDefaultVerbosity;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

// The errors pidone can meet, described as the C library would: musl's
// whole strerror() table would be a tenth of the binary. The texts are one
// string, in the order of the numbers: a table of pointers would double it.
constexpr unsigned char kErrorNumbers[] = {
    EPERM,  ENOENT, ESRCH,  EIO,    E2BIG,  ENOEXEC, EAGAIN, ENOMEM,       EACCES, EFAULT, ENOTDIR,
    EISDIR, EINVAL, ENFILE, EMFILE, ENOTTY, ETXTBSY, ENOSPC, ENAMETOOLONG, ENOSYS, ELOOP,
};
constexpr char kErrorTexts[] =
    "Operation not permitted\0No such file or directory\0No such process\0I/O error\0"
    "Argument list too long\0Exec format error\0Resource temporarily unavailable\0Out of memory\0"
    "Permission denied\0Bad address\0Not a directory\0Is a directory\0Invalid argument\0"
    "Too many open files in system\0Too many open files\0Not a tty\0Text file busy\0"
    "No space left on device\0Filename too long\0Function not implemented\0Symbolic link loop";

constexpr size_t count_texts() {
  size_t texts = 1;
  for (char c : kErrorTexts) texts += c == '\0' ? 1 : 0;
  return texts - 1;  // the terminating NUL ends the last text
}
static_assert(count_texts() == sizeof kErrorNumbers, "one text for each error number");

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

void emit_parts(Level level, const Part* parts, size_t count) {
  if (!enabled(level)) return;
  Line line;
  line.append("[pidone] ");
  for (const Part* part = parts; part != parts + count; ++part) {
    switch (part->kind) {
      case Part::Kind::Text: line.append(part->text); break;
      case Part::Kind::Number: line.append(part->number); break;
      case Part::Kind::Signal: line.append(SignalName{static_cast<int>(part->number)}); break;
      case Part::Kind::Error: line.append(SystemError{static_cast<int>(part->number)}); break;
    }
  }
  line.write_to(STDERR_FILENO);
}

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
  const char* text = kErrorTexts;
  for (const unsigned char number : kErrorNumbers) {
    if (number == error.number) {
      append(text);
      return;
    }
    text += strlen(text) + 1;
  }
  append("error ");
  append(error.number);
}

void Line::pad_to(size_t column) {
  do append(" ");
  while (length_ < column && length_ < sizeof buffer_ - 1);
}

void Line::write_to(int fd) {
  buffer_[length_++] = '\n';
  write_all(fd, Text(buffer_, length_));
}

}  // namespace log
}  // namespace pidone
