#pragma once
// Summaries of repeated measurements.
#include <stdint.h>

namespace bench {

// Median of `count` values (sorts them in place); 0 for none.
double median(double* values, int count);

}  // namespace bench

namespace bench {

// `rows` series of `columns` measurements each, e.g. one row per init.
class SampleTable {
 public:
  SampleTable(int rows, int columns);
  ~SampleTable();
  SampleTable(const SampleTable&) = delete;
  SampleTable& operator=(const SampleTable&) = delete;

  double* row(int index) { return values_ + static_cast<long>(index) * columns_; }
  int columns() const { return columns_; }

 private:
  double* values_;
  int columns_;
};

}  // namespace bench
