# The Debian package of a static build (CPack DEB), pidone_<version>_<arch>.deb:
# /usr/bin/pidone, its manual page, copyright, changelog and lintian override.
# No nologin: Debian has its own. `cpack` in the build tree writes it into
# deb/; scripts/release.sh does that for both architectures.
#
# Reproducible: every date in the package is SOURCE_DATE_EPOCH, taken from the
# environment at configure time or else from the date of the commit being
# built; directories are 0755 whatever the umask; files are compressed
# without name or date (gzip -9n).
include(GNUInstallDirs)

set(PIDONE_MAINTAINER "The pidone authors <pidone@users.noreply.github.com>"
  CACHE STRING "Maintainer field of the Debian package")
# Empty until the project has a public address: no placeholder in the
# package's Homepage or its copyright file's Source.
set(PIDONE_HOMEPAGE "" CACHE STRING "Homepage of the project (none when empty)")
if(PIDONE_HOMEPAGE)
  set(copyright_source "\nSource: ${PIDONE_HOMEPAGE}")
endif()

set(debian_arch_x86_64 amd64)
set(debian_arch_aarch64 arm64)
set(debian_arch ${debian_arch_${PIDONE_ARCH}})
if(NOT debian_arch)
  message(FATAL_ERROR "packaging: no Debian architecture for PIDONE_ARCH '${PIDONE_ARCH}'")
endif()
set(package_dir ${CMAKE_BINARY_DIR}/package)

# SOURCE_DATE_EPOCH: the caller's, else the date of the commit that --version
# names, else (a source tarball) the date of CMakeLists.txt.
if(DEFINED ENV{SOURCE_DATE_EPOCH})
  set(source_date_epoch "$ENV{SOURCE_DATE_EPOCH}")
else()
  set(source_date_epoch "")
  if(NOT PIDONE_COMMIT STREQUAL "unknown")
    execute_process(
      COMMAND git -C ${CMAKE_SOURCE_DIR} log -1 --format=%ct ${PIDONE_COMMIT}
      OUTPUT_VARIABLE source_date_epoch OUTPUT_STRIP_TRAILING_WHITESPACE
      ERROR_QUIET)
  endif()
  if(NOT source_date_epoch MATCHES "^[0-9]+$")
    file(TIMESTAMP ${CMAKE_SOURCE_DIR}/CMakeLists.txt source_date_epoch "%s" UTC)
  endif()
endif()
# string(TIMESTAMP) formats SOURCE_DATE_EPOCH when it is set; cpack stamps
# every file of the package with it.
set(ENV{SOURCE_DATE_EPOCH} "${source_date_epoch}")
string(TIMESTAMP changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(CONFIGURE OUTPUT ${package_dir}/cpack-options.cmake CONTENT [[
set(ENV{SOURCE_DATE_EPOCH} "${source_date_epoch}")
]])
set(CPACK_PROJECT_CONFIG_FILE ${package_dir}/cpack-options.cmake)

# A native package's changelog, in Debian's format.
file(CONFIGURE OUTPUT ${package_dir}/changelog.in CONTENT [[
pidone (${PROJECT_VERSION}) unstable; urgency=medium

  * pidone ${PROJECT_VERSION}, git commit ${PIDONE_COMMIT}.

 -- ${PIDONE_MAINTAINER}  ${changelog_date}
]])

# The copyright file, in Debian's machine-readable format, from LICENSE.
file(READ ${CMAKE_SOURCE_DIR}/LICENSE license)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/LICENSE)
if(NOT license MATCHES "Copyright \\(c\\) ([^\n]+)\n+(Permission .*)$")
  message(FATAL_ERROR "packaging: LICENSE has no 'Copyright (c) ...' line followed by the MIT terms")
endif()
set(copyright_holders "${CMAKE_MATCH_1}")
string(STRIP "${CMAKE_MATCH_2}" license_terms)
string(REPLACE "\n\n" "\n.\n" license_terms "${license_terms}")
string(REPLACE "\n" "\n " license_terms "${license_terms}")
file(CONFIGURE OUTPUT ${package_dir}/copyright CONTENT [[
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: pidone${copyright_source}

Files: *
Copyright: ${copyright_holders}
License: Expat
 ${license_terms}
]])

file(CONFIGURE OUTPUT ${package_dir}/lintian-overrides CONTENT [[
# pidone is static on purpose: it is copied into container images of any
# distribution, or bind-mounted by `docker run --init`, and runs there as PID 1.
pidone: statically-linked-binary [usr/bin/pidone]
]])

# The manual page and the changelog, gzip -9n as Debian policy asks.
add_custom_command(OUTPUT ${package_dir}/pidone.1.gz ${package_dir}/changelog.gz
  COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_SOURCE_DIR}/man/pidone.1 ${package_dir}/pidone.1
  COMMAND ${CMAKE_COMMAND} -E copy ${package_dir}/changelog.in ${package_dir}/changelog
  COMMAND gzip -9nf ${package_dir}/pidone.1 ${package_dir}/changelog
  DEPENDS ${CMAKE_SOURCE_DIR}/man/pidone.1 ${package_dir}/changelog.in
  COMMENT "Compressing the manual page and the changelog"
  VERBATIM)
add_custom_target(package-documents ALL DEPENDS ${package_dir}/pidone.1.gz ${package_dir}/changelog.gz)
# What a release needs built and checked (scripts/release.sh builds only this).
add_custom_target(release)
add_dependencies(release pidone nologin static-checks package-documents)

install(TARGETS pidone RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${package_dir}/pidone.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${package_dir}/copyright ${package_dir}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${package_dir}/lintian-overrides
  DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME pidone)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pidone)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "tiny static init for containers, for dumb-init and tini users")
set(CPACK_PACKAGE_DESCRIPTION [[
pidone runs a command as the first process (PID 1) of a container: it
forwards every signal to the command's process group (or to the command
alone), reaps every zombie, and exits with the command's status. It
accepts the command lines and environment variables of both dumb-init and
tini, can rewrite signals and remap exit codes, and can give the remaining
processes a grace period after the command exits.

This package ships the statically linked binary, which can also be copied
into any container image.]])
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${PIDONE_MAINTAINER}")
if(PIDONE_HOMEPAGE)
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PIDONE_HOMEPAGE}")
endif()
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${debian_arch})
set(CPACK_DEBIAN_FILE_NAME pidone_${PROJECT_VERSION}_${debian_arch}.deb)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/deb)
include(CPack)
