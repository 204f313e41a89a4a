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
  // Appends spaces up to `column` (at least one).
  void pad_to(size_t column);
  size_t length() const { return length_; }
  // Writes the line, newline-terminated, to `fd`; nothing if it fails.
  void write_to(int fd);

 private:
  char buffer_[256];  // cppcheck-suppress uninitMemberVarPrivate
  size_t length_ = 0;
};

// One piece of a message, so that every message is written by one function:
// a template instance per argument list, or inlined lines, would cost more
// than the calls they wrap.
struct Part {
  enum class Kind : unsigned char { Text, Number, Signal, Error };
  // It initializes the union's `text`; the check wants `number` too.
  // NOLINTNEXTLINE(google-explicit-constructor,cppcoreguidelines-pro-type-member-init)
  Part(Text value) : kind(Kind::Text), text(value) {}  // cppcheck-suppress noExplicitConstructor
  // cppcheck-suppress noExplicitConstructor
  Part(const char* value) : Part(Text(value)) {}  // NOLINT(google-explicit-constructor)
  // cppcheck-suppress noExplicitConstructor
  Part(long long value) : kind(Kind::Number), number(value) {}  // NOLINT(google-explicit-constructor)
  // cppcheck-suppress noExplicitConstructor
  Part(int value) : Part(static_cast<long long>(value)) {}  // NOLINT(google-explicit-constructor)
  // cppcheck-suppress noExplicitConstructor
  Part(unsigned value) : Part(static_cast<long long>(value)) {}  // NOLINT(google-explicit-constructor)
  // cppcheck-suppress noExplicitConstructor
  Part(long value) : Part(static_cast<long long>(value)) {}  // NOLINT(google-explicit-constructor)
  // cppcheck-suppress noExplicitConstructor
  Part(SignalName signal) : kind(Kind::Signal), number(signal.number) {}  // NOLINT(google-explicit-constructor)
  // cppcheck-suppress noExplicitConstructor
  Part(SystemError error) : kind(Kind::Error), number(error.number) {}  // NOLINT(google-explicit-constructor)

  Kind kind;
  union {
    Text text;         // Kind::Text
    long long number;  // the others
  };
};

// Writes "[pidone] " and the parts as one line on stderr, if `level` is on.
void emit_parts(Level level, const Part* parts, size_t count);

template <typename... Parts>
[[gnu::always_inline]] inline void emit(Level level, const Parts&... parts) {
  const Part list[] = {Part(parts)...};
  emit_parts(level, list, sizeof...(parts));
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
