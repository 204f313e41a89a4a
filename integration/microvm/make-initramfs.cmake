# Assembles a gzip'ed newc cpio initramfs whose /init is INIT.
#   cmake -DINIT=path/to/pidone [-DEXTRA_PROGRAMS="a;b"] -DOUTPUT=initramfs.cpio.gz
#         -P make-initramfs.cmake
# EXTRA_PROGRAMS land in /bin under their own names; /proc is an empty
# directory for a program that wants to mount proc itself (pidone does not).
# The archive is reproducible: entries sorted, owned by 0:0, mtime 0, fixed
# modes, and gzip stores no name or time.
cmake_minimum_required(VERSION 3.25)
foreach(required INIT OUTPUT)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "make-initramfs.cmake: -D${required}=... is required")
  endif()
endforeach()
find_program(CPIO cpio REQUIRED)
find_program(GZIP gzip REQUIRED)

set(tree "${OUTPUT}.tree")
file(REMOVE_RECURSE "${tree}")
file(MAKE_DIRECTORY "${tree}/bin" "${tree}/proc")
file(COPY_FILE "${INIT}" "${tree}/init")
foreach(program IN LISTS EXTRA_PROGRAMS)
  get_filename_component(name "${program}" NAME)
  file(COPY_FILE "${program}" "${tree}/bin/${name}")
endforeach()

set(executable OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
               WORLD_READ WORLD_EXECUTE)
file(GLOB_RECURSE entries LIST_DIRECTORIES true "${tree}/*")
file(CHMOD ${entries} FILE_PERMISSIONS ${executable} DIRECTORY_PERMISSIONS ${executable})
execute_process(COMMAND touch -h -d @0 ${entries} COMMAND_ERROR_IS_FATAL ANY)

# Names relative to the archive's root ("init", "bin/..."), as the kernel
# expects them; C-locale sort puts each directory before its contents.
execute_process(
  COMMAND find . -mindepth 1 -printf "%P\\0"
  COMMAND env LC_ALL=C sort -z
  COMMAND ${CPIO} --create --null --format=newc --reproducible --owner=0:0 --quiet
  COMMAND ${GZIP} -9 -n
  WORKING_DIRECTORY "${tree}"
  OUTPUT_FILE "${OUTPUT}"
  COMMAND_ERROR_IS_FATAL ANY)
file(REMOVE_RECURSE "${tree}")
