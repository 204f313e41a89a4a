#include "results.hpp"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "process.hpp"

namespace bench {

Results::Results(const char* path) : file_(fopen(path, "we")) {
  if (file_ == nullptr) fail("cannot write %s: %s", path, strerror(errno));
}

Results::~Results() {
  if (fclose(static_cast<FILE*>(file_)) != 0) fail("cannot write the results: %s", strerror(errno));
}

void Results::add(const char* metric, const char* init, int64_t work, double value) {
  char text[32];
  snprintf(text, sizeof text, "%.9g", value);
  add(metric, init, work, text);
}

void Results::add(const char* metric, const char* init, int64_t work, const char* value) {
  fprintf(static_cast<FILE*>(file_), "%s\t%s\t%lld\t%s\n", metric, init, static_cast<long long>(work), value);
  fprintf(stderr, "  %-16s %-12s %9lld  %s\n", metric, init, static_cast<long long>(work), value);
}

}  // namespace bench
