# Shared part of the musl toolchain files: a fully static binary that links
# only musl's libc. Debian's libstdc++ headers are configured for glibc and do
# not compile against musl's, so the static targets use the C library and the
# language only; -nostdinc from the specs file keeps the C++ headers out.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_FLAGS_INIT "-specs ${PIDONE_MUSL_SPECS}")
set(CMAKE_CXX_FLAGS_INIT "-specs ${PIDONE_MUSL_SPECS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -no-pie")
set(CMAKE_POSITION_INDEPENDENT_CODE OFF)
set(PIDONE_STATIC ON CACHE BOOL "Build the static musl binaries" FORCE)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
