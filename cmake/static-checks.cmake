# Every static build checks its own output: truly static, within its size
# budget, and able to run (under qemu-user for aarch64).
find_program(READELF NAMES readelf REQUIRED)
find_program(FILE_COMMAND NAMES file REQUIRED)

# x86_64: a third of catatonit 0.1.7 built static with musl (59,064 bytes), the
# benchmark's goal for the smallest static peer.
set(size_limit_pidone_x86_64 19688)
set(size_limit_pidone_aarch64 24576)
set(size_limit_nologin_x86_64 8192)
set(size_limit_nologin_aarch64 8192)

set(checks)
foreach(program pidone nologin)
  list(APPEND checks COMMAND ${CMAKE_COMMAND}
    -DBINARY=$<TARGET_FILE:${program}> -DNAME=${program}
    -DARCH=${PIDONE_ARCH} -DLIMIT=${size_limit_${program}_${PIDONE_ARCH}}
    -DREADELF=${READELF} -DFILE_COMMAND=${FILE_COMMAND}
    -P ${CMAKE_CURRENT_LIST_DIR}/check-static-binary.cmake)
endforeach()

add_custom_target(static-checks ALL
  ${checks}
  COMMAND ${CMAKE_COMMAND}
    "-DEMULATOR=${CMAKE_CROSSCOMPILING_EMULATOR}"
    -DPIDONE=$<TARGET_FILE:pidone> -DNOLOGIN=$<TARGET_FILE:nologin>
    -P ${CMAKE_CURRENT_LIST_DIR}/smoke-test.cmake
  DEPENDS pidone nologin
  COMMENT "Checking the static ${PIDONE_ARCH} binaries"
  VERBATIM)
