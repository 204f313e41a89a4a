#pragma once
// A non-owning view of characters and the few parsers pidone needs: the
// static build cannot use <string_view> (libstdc++'s headers are glibc-only).
#include <stddef.h>

namespace pidone {

struct Text {
  const char* data = nullptr;
  size_t size = 0;

  constexpr Text() = default;
  constexpr Text(const char* begin, size_t length) : data(begin), size(length) {}
  // cppcheck-suppress noExplicitConstructor
  Text(const char* c_string);  // NOLINT(google-explicit-constructor): views convert implicitly
  bool empty() const { return size == 0; }
  const char* end() const { return data + size; }
};

bool equal(Text a, Text b);
// The first `c` in `text`, or nullptr. A plain loop: musl's word-at-a-time
// memchr() is ten times the size, for strings of a few bytes.
const char* find(Text text, char c);
bool equal_ignoring_case(Text a, Text b);
bool starts_with_ignoring_case(Text text, Text prefix);

// Splits at the first `separator`: `head` before it, `tail` after it.
// Returns false (and leaves both untouched) when there is no separator.
bool split_once(Text text, char separator, Text& head, Text& tail);

// Calls visit(field) for each `separator`-separated field of `list`, in
// order, while it returns true; returns whether every call did.
template <typename Visit>
bool for_each_field(Text list, char separator, Visit visit) {
  Text field;
  Text rest;
  while (split_once(list, separator, field, rest)) {
    if (!visit(field)) return false;
    list = rest;
  }
  return visit(list);
}

// Decimal digits only, no sign, at most `max`.
bool parse_unsigned(Text text, unsigned max, unsigned& value);

// "2", "0.5", ".5", "1.25": seconds with an optional fraction, truncated to
// milliseconds; at most `max_seconds`.
bool parse_seconds(Text text, unsigned max_seconds, unsigned& milliseconds);

// The value of variable `name` in `environment` (NAME=value entries, null-
// terminated); false when it is not there.
bool find_variable(char** environment, Text name, Text& value);

}  // namespace pidone
