# What the packages install, and the .deb and .rpm CPack makes of it. scripts/package builds
# both from one static build; by hand, in a build configured with -DCMAKE_INSTALL_PREFIX=/usr
# -DLAE_STATIC=ON: cpack -G "DEB;RPM".
#
# Three install components: the common files (the default component), "deb" (Debian's
# settings path, copyright and changelog) and "rpm" (the RPM settings path, licence and
# changelog as docs; left out of a plain cmake --install). cmake/cpack_project_config.cmake.in
# gives each generator the common component and its own.
set(LAE_PACKAGE_MAINTAINER "linux-audit-exporter maintainers <maintainers@users.noreply.github.com>")
set(_lae_doc_dir ${CMAKE_INSTALL_DATAROOTDIR}/doc/${PROJECT_NAME})

install(TARGETS linux-audit-exporter RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Every unit in deploy/systemd/ is packaged: adding a file there is enough. The service of the
# same name as the package is enabled on a Debian install; the others (a socket-activated form)
# are the admin's choice.
file(GLOB LAE_UNIT_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/deploy/systemd/*.service
     ${PROJECT_SOURCE_DIR}/deploy/systemd/*.socket)
# Relative to the prefix (/usr): CPack RPM would mark a file with an absolute destination %config.
install(FILES ${LAE_UNIT_FILES} DESTINATION lib/systemd/system)
# The maintainer scripts act on every unit but templates (name@.service: nothing to start
# without an instance, as dh_installsystemd leaves them alone).
set(_lae_sockets "")
set(_lae_services "")
foreach(_unit IN LISTS LAE_UNIT_FILES)
  get_filename_component(_name ${_unit} NAME)
  if(_name MATCHES "@\\.")
    continue()
  elseif(_name MATCHES "\\.socket$")
    list(APPEND _lae_sockets ${_name})
  else()
    list(APPEND _lae_services ${_name})
  endif()
endforeach()
# Sockets first: stopped first, nothing starts their service again.
list(APPEND _lae_sockets ${_lae_services})
string(JOIN " " LAE_UNITS ${_lae_sockets})
set(LAE_ENABLED_UNITS ${PROJECT_NAME}.service)
set(LAE_OTHER_UNITS ${_lae_sockets})
list(REMOVE_ITEM LAE_OTHER_UNITS ${LAE_ENABLED_UNITS})
string(JOIN " " LAE_OTHER_UNITS ${LAE_OTHER_UNITS})
install(FILES README.md DESTINATION ${_lae_doc_dir})

# The settings file: /etc/default on Debian, /etc/sysconfig on RPM systems; the unit reads both.
set(_lae_settings ${PROJECT_SOURCE_DIR}/deploy/systemd/linux-audit-exporter.env)
install(FILES ${_lae_settings} DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/default RENAME ${PROJECT_NAME}
        COMPONENT deb)
install(FILES ${_lae_settings} DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/sysconfig RENAME ${PROJECT_NAME}
        COMPONENT rpm EXCLUDE_FROM_ALL)

# Changelogs from CHANGELOG.md: Debian's changelog.gz (a native package's is in Debian's own
# format) and the RPM's %changelog.
set(_lae_changelog_tool ${PROJECT_SOURCE_DIR}/deploy/packaging/changelog-from-markdown)
set(_lae_pkg_dir ${PROJECT_BINARY_DIR}/packaging)
add_custom_command(
  OUTPUT ${_lae_pkg_dir}/changelog.gz ${_lae_pkg_dir}/rpm-changelog
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_lae_pkg_dir}
  COMMAND ${LAE_PERL} ${_lae_changelog_tool} debian ${PROJECT_SOURCE_DIR}/CHANGELOG.md ${PROJECT_NAME}
          ${LAE_PACKAGE_MAINTAINER} > ${_lae_pkg_dir}/changelog
  COMMAND ${LAE_GZIP} -9nf ${_lae_pkg_dir}/changelog
  COMMAND ${LAE_PERL} ${_lae_changelog_tool} rpm ${PROJECT_SOURCE_DIR}/CHANGELOG.md ${PROJECT_NAME}
          ${LAE_PACKAGE_MAINTAINER} > ${_lae_pkg_dir}/rpm-changelog
  DEPENDS ${PROJECT_SOURCE_DIR}/CHANGELOG.md ${_lae_changelog_tool}
  COMMENT "Turning CHANGELOG.md into the packages' changelogs"
  VERBATIM)
add_custom_target(package-changelogs ALL DEPENDS ${_lae_pkg_dir}/changelog.gz ${_lae_pkg_dir}/rpm-changelog)
install(FILES deploy/debian/copyright ${_lae_pkg_dir}/changelog.gz DESTINATION ${_lae_doc_dir} COMPONENT deb)

# The static binary holds the code of the libraries it was linked from: their licences go with
# it, as THIRD-PARTY-NOTICES, collected at build time from the build machine's Debian copyright
# files of the packages that provided the archives the linker used (its map, LAE_LINK_MAP). The
# .rpm's copy adds the texts of /usr/share/common-licenses those files refer to (RPM systems
# have no such folder); the .deb's is gzipped, as Debian's tools do with documentation over 4 kB.
# A dynamic build links nothing in: its packages' dependencies carry
# their own licences.
set(LAE_THIRD_PARTY_NOTICES OFF)
if(LAE_STATIC)
  set(LAE_THIRD_PARTY_NOTICES ON)
  set(_lae_notices_tool ${PROJECT_SOURCE_DIR}/deploy/packaging/third-party-notices)
  set(_lae_notices_args ${LAE_LINK_MAP} ${PROJECT_NAME} ${PROJECT_VERSION})
  if(CMAKE_SYSROOT)
    # A cross build's packages unpacked there (scripts/build-arm64 lists them in .packages/).
    list(PREPEND _lae_notices_args --sysroot ${CMAKE_SYSROOT})
  endif()
  add_custom_command(
    OUTPUT ${_lae_pkg_dir}/deb/THIRD-PARTY-NOTICES.gz ${_lae_pkg_dir}/rpm/THIRD-PARTY-NOTICES
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_lae_pkg_dir}/deb ${_lae_pkg_dir}/rpm
    COMMAND ${LAE_PERL} ${_lae_notices_tool} ${_lae_notices_args} > ${_lae_pkg_dir}/deb/THIRD-PARTY-NOTICES
    COMMAND ${LAE_GZIP} -9nf ${_lae_pkg_dir}/deb/THIRD-PARTY-NOTICES
    COMMAND ${LAE_PERL} ${_lae_notices_tool} --common-licenses ${_lae_notices_args} >
            ${_lae_pkg_dir}/rpm/THIRD-PARTY-NOTICES
    DEPENDS linux-audit-exporter ${_lae_notices_tool}
    # Where the link ran: the map's relative paths start there.
    WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
    COMMENT "Collecting the licences of the statically linked libraries"
    VERBATIM)
  add_custom_target(third-party-notices ALL DEPENDS ${_lae_pkg_dir}/deb/THIRD-PARTY-NOTICES.gz
                                                    ${_lae_pkg_dir}/rpm/THIRD-PARTY-NOTICES)
  install(FILES ${_lae_pkg_dir}/deb/THIRD-PARTY-NOTICES.gz DESTINATION ${_lae_doc_dir} COMPONENT deb)
  install(FILES ${_lae_pkg_dir}/rpm/THIRD-PARTY-NOTICES DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/licenses/${PROJECT_NAME}
          COMPONENT rpm EXCLUDE_FROM_ALL)
endif()
# Debian's copyright file holds the licence; lintian wants no second copy (extra-license-file).
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/licenses/${PROJECT_NAME} COMPONENT rpm EXCLUDE_FROM_ALL)
install(FILES CHANGELOG.md DESTINATION ${_lae_doc_dir} COMPONENT rpm EXCLUDE_FROM_ALL)
install(FILES deploy/debian/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides
        RENAME ${PROJECT_NAME} COMPONENT deb)

# Maintainer scripts, with the unit names filled in.
foreach(_script postinst prerm postrm)
  configure_file(deploy/debian/${_script}.in ${_lae_pkg_dir}/deb/${_script} @ONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ
                                  WORLD_EXECUTE)
endforeach()
foreach(_script post preun postun)
  configure_file(deploy/rpm/${_script}.in ${_lae_pkg_dir}/rpm/${_script} @ONLY)
endforeach()

set(CPACK_PACKAGE_NAME ${PROJECT_NAME})
set(CPACK_PACKAGE_VENDOR "linux-audit-exporter authors")
set(CPACK_PACKAGE_CONTACT "${LAE_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
# The extended description (Debian's control, the RPM's %description), wrapped for both.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "linux-audit-exporter serves the status of the Linux kernel audit subsystem\n"
  "as Prometheus metrics: the backlog and its limit, lost records, the rate\n"
  "limit, the enabled and failure modes, the audit daemon's PID, the number of\n"
  "loaded rules and the backlog wait times, asked of the kernel afresh at every\n"
  "scrape over audit netlink. It is a drop-in replacement for the Go\n"
  "linux-audit-exporter (same flags, routes and metric names).\n"
  "The service runs as a dynamic user holding only CAP_AUDIT_CONTROL, in a\n"
  "hardened systemd unit. TLS and basic authentication come from an\n"
  "exporter-toolkit web configuration file.")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_GENERATOR DEB RPM)
set(CPACK_STRIP_FILES ON)
set(CPACK_PROJECT_CONFIG_FILE ${_lae_pkg_dir}/cpack_project_config.cmake)
configure_file(cmake/cpack_project_config.cmake.in ${CPACK_PROJECT_CONFIG_FILE} @ONLY)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
# The binary is static (nothing for shlibdeps to find); the maintainer scripts use
# deb-systemd-helper and deb-systemd-invoke, as debhelper's snippets do.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "init-system-helpers (>= 1.54~)")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/deploy/debian/conffiles;${_lae_pkg_dir}/deb/postinst;${_lae_pkg_dir}/deb/prerm;${_lae_pkg_dir}/deb/postrm"
)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_RELEASE 1)
if(CMAKE_CROSSCOMPILING)
  # rpmbuild would name the build machine's architecture (cmake/aarch64-linux-gnu.cmake sets
  # the .deb's).
  set(CPACK_RPM_PACKAGE_ARCHITECTURE ${CMAKE_SYSTEM_PROCESSOR})
endif()
set(CPACK_PACKAGE_RELOCATABLE OFF)
# No /usr/lib/.build-id links: the package owns its files and nothing else.
# The Packager tag comes from the packager macro.
set(CPACK_RPM_SPEC_MORE_DEFINE "%define _build_id_links none\n%define packager ${LAE_PACKAGE_MAINTAINER}")
# SPDX, as Fedora's License: tag wants it: the licences of what the package holds, so for the
# static binary those of the libraries linked in too (THIRD-PARTY-NOTICES has their texts):
# yaml-cpp is MIT, OpenSSL Apache-2.0, Boost BSL-1.0, libcap BSD-3-Clause or GPL-2, glibc and
# libxcrypt LGPL-2.1+, the GCC runtime GPL-3+ with its exception, zlib Zlib.
if(LAE_STATIC)
  set(CPACK_RPM_PACKAGE_LICENSE
      "MIT AND Apache-2.0 AND BSL-1.0 AND (BSD-3-Clause OR GPL-2.0-only) AND LGPL-2.1-or-later AND Zlib AND GPL-3.0-or-later WITH GCC-exception-3.1"
  )
else()
  set(CPACK_RPM_PACKAGE_LICENSE MIT)
endif()
set(CPACK_RPM_PACKAGE_GROUP "System Environment/Daemons")
set(CPACK_RPM_PACKAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_RPM_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_RPM_CHANGELOG_FILE ${_lae_pkg_dir}/rpm-changelog)
set(CPACK_RPM_POST_INSTALL_SCRIPT_FILE ${_lae_pkg_dir}/rpm/post)
set(CPACK_RPM_PRE_UNINSTALL_SCRIPT_FILE ${_lae_pkg_dir}/rpm/preun)
set(CPACK_RPM_POST_UNINSTALL_SCRIPT_FILE ${_lae_pkg_dir}/rpm/postun)
# The static binary needs nothing; the scriptlets need systemctl (RHEL's systemd). A package
# of a dynamic build (not what scripts/package makes) names its libraries.
if(LAE_STATIC)
  set(CPACK_RPM_PACKAGE_AUTOREQ OFF)
else()
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
set(CPACK_RPM_PACKAGE_REQUIRES_POST "systemd")
set(CPACK_RPM_PACKAGE_REQUIRES_PREUN "systemd")
set(CPACK_RPM_PACKAGE_REQUIRES_POSTUN "systemd")
set(CPACK_RPM_USER_FILELIST
    "%config(noreplace) /etc/sysconfig/${PROJECT_NAME}" "%license /usr/share/licenses/${PROJECT_NAME}/LICENSE"
    "%doc /usr/share/doc/${PROJECT_NAME}/README.md" "%doc /usr/share/doc/${PROJECT_NAME}/CHANGELOG.md")
if(LAE_THIRD_PARTY_NOTICES)
  list(APPEND CPACK_RPM_USER_FILELIST "%license /usr/share/licenses/${PROJECT_NAME}/THIRD-PARTY-NOTICES")
endif()
# Directories the distribution's own packages (filesystem, systemd) own.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /etc/sysconfig /usr/lib/systemd /usr/lib/systemd/system /usr/share/licenses /usr/share/man /usr/share/man/man1)
include(CPack)
