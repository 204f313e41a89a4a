#include "binary_info.hpp"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "process.hpp"

namespace bench {

int64_t file_size(const char* path) {
  struct stat info;
  if (stat(path, &info) != 0) fail("stat %s: %s", path, strerror(errno));
  return info.st_size;
}

const char* linkage(const char* path) {
  FILE* file = fopen(path, "rbe");
  if (file == nullptr) fail("open %s: %s", path, strerror(errno));
  Elf64_Ehdr header;
  const char* kind = "unknown";
  if (fread(&header, sizeof header, 1, file) == 1 && memcmp(header.e_ident, ELFMAG, SELFMAG) == 0 &&
      header.e_ident[EI_CLASS] == ELFCLASS64) {
    bool interpreter = false;
    bool dynamic_section = false;
    for (unsigned i = 0; i < header.e_phnum; ++i) {
      Elf64_Phdr program;
      if (fseek(file, static_cast<long>(header.e_phoff + i * sizeof program), SEEK_SET) != 0 ||
          fread(&program, sizeof program, 1, file) != 1) {
        break;
      }
      interpreter |= program.p_type == PT_INTERP;
      dynamic_section |= program.p_type == PT_DYNAMIC;
    }
    kind = interpreter ? "dynamic" : dynamic_section ? "static-pie" : "static";
  }
  fclose(file);
  return kind;
}

}  // namespace bench
