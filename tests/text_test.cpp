#include "text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pidone {
namespace {

TEST(Text, ComparesWithAndWithoutCase) {
  EXPECT_TRUE(equal("TERM", "TERM"));
  EXPECT_FALSE(equal("TERM", "term"));
  EXPECT_TRUE(equal_ignoring_case("TERM", "term"));
  EXPECT_FALSE(equal_ignoring_case("TERM", "TERMS"));
  EXPECT_TRUE(starts_with_ignoring_case("sigterm", "SIG"));
  EXPECT_FALSE(starts_with_ignoring_case("SI", "SIG"));
}

TEST(Text, SplitsAtTheFirstSeparator) {
  Text head;
  Text tail;
  ASSERT_TRUE(split_once("TERM:QUIT:X", ':', head, tail));
  EXPECT_TRUE(equal(head, "TERM"));
  EXPECT_TRUE(equal(tail, "QUIT:X"));
  EXPECT_FALSE(split_once("TERM", ':', head, tail));
}

TEST(Text, VisitsEveryFieldUntilTheVisitorStops) {
  std::vector<std::string> fields;
  auto collect = [&](Text field) {
    fields.emplace_back(field.data, field.size);
    return field.size != 4;
  };
  EXPECT_TRUE(for_each_field("a::bc", ':', collect));
  EXPECT_EQ(fields, (std::vector<std::string>{"a", "", "bc"}));
  fields.clear();
  EXPECT_FALSE(for_each_field("x,stop,never", ',', collect));
  EXPECT_EQ(fields, (std::vector<std::string>{"x", "stop"}));
}

TEST(Text, ParsesUnsignedNumbersWithinALimit) {
  unsigned value = 7;
  EXPECT_TRUE(parse_unsigned("255", 255, value));
  EXPECT_EQ(value, 255u);
  EXPECT_TRUE(parse_unsigned("0", 255, value));
  EXPECT_EQ(value, 0u);
  EXPECT_FALSE(parse_unsigned("256", 255, value));
  EXPECT_FALSE(parse_unsigned("", 255, value));
  EXPECT_FALSE(parse_unsigned("-1", 255, value));
  EXPECT_FALSE(parse_unsigned("1x", 255, value));
  EXPECT_FALSE(parse_unsigned("99999999999999999999", 4000000000u, value));
  EXPECT_EQ(value, 0u);  // failures leave the value alone
}

TEST(Text, ParsesSecondsWithFractionsIntoMilliseconds) {
  unsigned ms = 1;
  EXPECT_TRUE(parse_seconds("2", 1000, ms));
  EXPECT_EQ(ms, 2000u);
  EXPECT_TRUE(parse_seconds("0.5", 1000, ms));
  EXPECT_EQ(ms, 500u);
  EXPECT_TRUE(parse_seconds("1.25", 1000, ms));
  EXPECT_EQ(ms, 1250u);
  EXPECT_TRUE(parse_seconds("0.0019", 1000, ms));  // truncated to whole milliseconds
  EXPECT_EQ(ms, 1u);
  EXPECT_TRUE(parse_seconds("1000", 1000, ms));
  EXPECT_EQ(ms, 1000000u);
  EXPECT_TRUE(parse_seconds(".5", 1000, ms));
  EXPECT_EQ(ms, 500u);
  for (const char* bad : {"", "-1", "abc", "1.", ".", "..5", ".5.", "1.5x", "1..5", "1000.1", "1001", "1e3"})
    EXPECT_FALSE(parse_seconds(bad, 1000, ms)) << bad;
}

TEST(Text, FindsEnvironmentVariablesByExactName) {
  char a[] = "PIDONE_GRACE=2";
  char b[] = "PIDONE_GRACE_EXTRA=9";
  char c[] = "EMPTY=";
  char* environment[] = {b, a, c, nullptr};
  Text value;
  ASSERT_TRUE(find_variable(environment, "PIDONE_GRACE", value));
  EXPECT_TRUE(equal(value, "2"));
  ASSERT_TRUE(find_variable(environment, "EMPTY", value));
  EXPECT_TRUE(value.empty());
  EXPECT_FALSE(find_variable(environment, "PIDONE", value));
  EXPECT_FALSE(find_variable(nullptr, "PIDONE_GRACE", value));
  Text fallback("/usr/local/bin:/bin:/usr/bin");
  EXPECT_FALSE(find_variable(environment, "PATH", fallback));
  EXPECT_TRUE(equal(fallback, "/usr/local/bin:/bin:/usr/bin")) << "a miss must leave the caller's default";
}

}  // namespace
}  // namespace pidone
