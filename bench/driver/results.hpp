#pragma once
// The measurements, one a line, tab-separated: METRIC INIT WORK VALUE.
// bench/report.py turns them into the table and the plot.
#include <stdint.h>

namespace bench {

class Results {
 public:
  // Opens (truncates) `path`; exits the driver if it cannot.
  explicit Results(const char* path);
  ~Results();
  Results(const Results&) = delete;
  Results& operator=(const Results&) = delete;

  void add(const char* metric, const char* init, int64_t work, double value);
  void add(const char* metric, const char* init, int64_t work, const char* value);

 private:
  void* file_;  // FILE*
};

}  // namespace bench
