#include "stats.hpp"

#include <stdlib.h>

namespace bench {
namespace {

int compare_doubles(const void* left, const void* right) {
  double a = *static_cast<const double*>(left);
  double b = *static_cast<const double*>(right);
  return (a > b) - (a < b);
}

}  // namespace

double median(double* values, int count) {
  if (count <= 0) return 0;
  qsort(values, static_cast<size_t>(count), sizeof *values, compare_doubles);
  int middle = count / 2;
  return count % 2 != 0 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

}  // namespace bench

#include "process.hpp"

namespace bench {

SampleTable::SampleTable(int rows, int columns)
    : values_(static_cast<double*>(calloc(static_cast<size_t>(rows) * static_cast<size_t>(columns), sizeof(double)))),
      columns_(columns) {
  if (values_ == nullptr) fail("out of memory for %d x %d samples", rows, columns);
}

SampleTable::~SampleTable() { free(values_); }

}  // namespace bench
