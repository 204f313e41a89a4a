#pragma once
// What the size table says about each init's file.
#include <stdint.h>

namespace bench {

// Size of the file in bytes; exits the driver if it cannot stat it.
int64_t file_size(const char* path);

// "static", "static-pie" or "dynamic" (has a program interpreter), from the
// ELF program headers; "unknown" if the file is not a 64-bit ELF.
const char* linkage(const char* path);

}  // namespace bench
