set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(PIDONE_MUSL_SPECS /usr/lib/aarch64-linux-musl/musl-gcc.specs)
set(PIDONE_ARCH aarch64 CACHE STRING "Architecture of the static binaries" FORCE)
# Runs the aarch64 binaries on an amd64 build machine (smoke test, ctest).
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)
include(${CMAKE_CURRENT_LIST_DIR}/musl-static.cmake)
