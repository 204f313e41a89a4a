# cmake -DEMULATOR=... -DPIDONE=... -DNOLOGIN=... -P
# pidone runs nologin (a static program of this build) and hands back its
# exit status 1 and its output; --version prints one line and exits 0.
# A cross build runs both under the emulator, nologin too: pidone execs
# `EMULATOR NOLOGIN`, a host program the kernel runs natively, so the test
# needs no binfmt_misc registration.
execute_process(COMMAND ${EMULATOR} ${PIDONE} -- ${EMULATOR} ${NOLOGIN}
  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
if(NOT status EQUAL 1 OR NOT output STREQUAL "This account is currently not available.\n")
  message(FATAL_ERROR "smoke test: pidone -- ${EMULATOR} nologin gave status '${status}', output '${output}', errors '${errors}'")
endif()
execute_process(COMMAND ${EMULATOR} ${PIDONE} --version RESULT_VARIABLE status OUTPUT_VARIABLE version)
if(NOT status EQUAL 0 OR NOT version MATCHES "^pidone version [0-9.]+ - git\\.[0-9a-f]+|unknown\n$")
  message(FATAL_ERROR "smoke test: pidone --version gave status '${status}', output '${version}'")
endif()
message(STATUS "smoke test passed: ${version}")
