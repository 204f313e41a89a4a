#include <stdio.h>
#include <string.h>

#include "binary_info.hpp"
#include "measurements.hpp"

namespace bench {
namespace {

// The init's words as one line, e.g. "tini -s --", with the program's base name.
void describe_command(const Init& init, char* text, size_t size) {
  const char* program = strrchr(init.path(), '/');
  snprintf(text, size, "%s", program != nullptr ? program + 1 : init.path());
  for (int i = 1; i < init.word_count; ++i) {
    size_t length = strlen(text);
    snprintf(text + length, size - length, " %s", init.words[i]);
  }
}

}  // namespace

void measure_binaries(const Options& options, Results& results) {
  for (int i = 0; i < options.init_count; ++i) {
    const Init& init = options.inits[i];
    results.add("size_bytes", init.name, 1, static_cast<double>(file_size(init.path())));
    results.add("linkage", init.name, 1, linkage(init.path()));
    char command[256];
    describe_command(init, command, sizeof command);
    results.add("command", init.name, 1, command);
  }
}

}  // namespace bench
