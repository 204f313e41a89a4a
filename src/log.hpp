#pragma once
// pidone's own messages: one line each on stderr, prefixed "[pidone] ",
// written with a single write(2) so lines from pidone and its child never
// interleave mid-line. No stdio: it would cost more than the rest of pidone.
#include <stddef.h>

#include "text.hpp"

namespace pidone {

struct SignalName {
  int number;
};

// An errno value, written as its description.
struct SystemError {
  int number;
};

namespace log {

enum class Level : unsigned char { Error = 0, Warning = 1, Info = 2, Debug = 3 };

inline constexpr int kDefaultVerbosity = 1;  // errors and warnings
void set_verbosity(int level);
bool enabled(Level level);

// Only the first length_ bytes of the buffer are ever read: clearing it would
// cost a memset for every message.
class Line {  // NOLINT(cppcoreguidelines-pro-type-member-init)
 public:
  void append(Text text);
  void append(const char* text) { append(Text(text)); }
  void append(long long number);
  void append(int number) { append(static_cast<long long>(number)); }
  void append(unsigned number) { append(static_cast<long long>(number)); }
  void append(long number) { append(static_cast<long long>(number)); }
  void append(SignalName signal);
  void append(SystemError error);
  // Writes the line, newline-terminated, to `fd`; nothing if it fails.
  void write_to(int fd);

 private:
  char buffer_[256];  // cppcheck-suppress uninitMemberVarPrivate
  size_t length_ = 0;
};

// Inlined: one instance per distinct argument list would cost more than the
// calls it wraps.
template <typename... Parts>
[[gnu::always_inline]] inline void emit(Level level, const Parts&... parts) {
  if (!enabled(level)) return;
  Line line;
  line.append("[pidone] ");
  (line.append(parts), ...);
  line.write_to(2);
}

template <typename... Parts>
[[gnu::always_inline]] inline void error(const Parts&... parts) {
  emit(Level::Error, parts...);
}
template <typename... Parts>
[[gnu::always_inline]] inline void warning(const Parts&... parts) {
  emit(Level::Warning, parts...);
}
template <typename... Parts>
[[gnu::always_inline]] inline void info(const Parts&... parts) {
  emit(Level::Info, parts...);
}
template <typename... Parts>
[[gnu::always_inline]] inline void debug(const Parts&... parts) {
  emit(Level::Debug, parts...);
}

}  // namespace log

// Writes all of `text` to `fd`, retrying short writes; false on failure.
bool write_all(int fd, Text text);

}  // namespace pidone
