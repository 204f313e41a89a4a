#include "text.hpp"

#include <string.h>

namespace pidone {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Text::Text(const char* c_string) : data(c_string), size(strlen(c_string)) {}

const char* find(Text text, char c) {
  for (const char* at = text.data; at != text.end(); ++at)
    if (*at == c) return at;
  return nullptr;
}

bool equal(Text a, Text b) { return a.size == b.size && memcmp(a.data, b.data, a.size) == 0; }

bool equal_ignoring_case(Text a, Text b) { return a.size == b.size && starts_with_ignoring_case(a, b); }

bool starts_with_ignoring_case(Text text, Text prefix) {
  if (text.size < prefix.size) return false;
  for (size_t i = 0; i < prefix.size; ++i)
    if (lower(text.data[i]) != lower(prefix.data[i])) return false;
  return true;
}

bool split_once(Text text, char separator, Text& head, Text& tail) {
  const char* at = find(text, separator);
  if (at == nullptr) return false;
  head = Text(text.data, static_cast<size_t>(at - text.data));
  tail = Text(at + 1, static_cast<size_t>(text.end() - at - 1));
  return true;
}

bool parse_unsigned(Text text, unsigned max, unsigned& value) {
  if (text.empty()) return false;
  unsigned result = 0;
  for (size_t i = 0; i < text.size; ++i) {
    if (!is_digit(text.data[i])) return false;
    unsigned digit = static_cast<unsigned>(text.data[i] - '0');
    if (digit > max || result > (max - digit) / 10) return false;
    result = result * 10 + digit;
  }
  value = result;
  return true;
}

bool parse_seconds(Text text, unsigned max_seconds, unsigned& milliseconds) {
  Text whole = text;
  Text fraction;
  split_once(text, '.', whole, fraction);
  unsigned seconds = 0;  // ".5" has none
  if (!(whole.empty() && !fraction.empty()) && !parse_unsigned(whole, max_seconds, seconds)) return false;
  // cppcheck-suppress mismatchingContainerExpression ; Text::end() is a pointer into the same characters
  if (whole.end() != text.end() && fraction.empty()) return false;  // "1."
  unsigned millis = 0;
  unsigned scale = 100;
  for (size_t i = 0; i < fraction.size; ++i) {
    if (!is_digit(fraction.data[i])) return false;
    millis += static_cast<unsigned>(fraction.data[i] - '0') * scale;
    scale /= 10;
  }
  if (seconds == max_seconds && millis > 0) return false;
  milliseconds = seconds * 1000 + millis;
  return true;
}

bool find_variable(char** environment, Text name, Text& value) {
  // Compares the name in place: measuring every entry first made this most
  // of pidone's start-up.
  for (char** entry = environment; entry != nullptr && *entry != nullptr; ++entry) {
    size_t matched = 0;
    while (matched < name.size && (*entry)[matched] == name.data[matched]) ++matched;
    if (matched == name.size && (*entry)[matched] == '=') {
      value = Text(*entry + name.size + 1);
      return true;
    }
  }
  return false;
}

}  // namespace pidone
