# Linux packages (.deb, and .rpm where rpmbuild is installed) made by CPack from this tree:
# `cpack` in a build configured with -DCMAKE_INSTALL_PREFIX=/usr (installer/linux/README.md).
# The programs, the CA roots and the host manifests install themselves (host/, manifests/);
# this adds what only an installed system needs: the extension and the browsers' ways to offer
# it, the manual pages compressed, the Debian documentation files, and the package metadata.
include(GNUInstallDirs)

# The extension as browsers load it: the files its manifest, pages and scripts use, without the
# page library (page/), the tests, the tools and the npm and lint files (the set
# tests/e2e/harness.mjs copies into a profile). One list for the folder and the .xpi.
file(GLOB_RECURSE jpki_extension_files CONFIGURE_DEPENDS RELATIVE ${PROJECT_SOURCE_DIR}/extension
     ${PROJECT_SOURCE_DIR}/extension/manifest.json ${PROJECT_SOURCE_DIR}/extension/*.js
     ${PROJECT_SOURCE_DIR}/extension/*.html ${PROJECT_SOURCE_DIR}/extension/*.css
     ${PROJECT_SOURCE_DIR}/extension/_locales/*.json ${PROJECT_SOURCE_DIR}/extension/icons/*.png)
list(FILTER jpki_extension_files EXCLUDE REGEX "^(node_modules|page|test|tools)/|^eslint\\.config\\.js$")
list(SORT jpki_extension_files)
set(JPKI_EXTENSION_DIR ${CMAKE_INSTALL_DATADIR}/jpki-bridge/extension)
foreach(file IN LISTS jpki_extension_files)
  get_filename_component(subdir ${file} DIRECTORY)
  install(FILES ${PROJECT_SOURCE_DIR}/extension/${file} DESTINATION ${JPKI_EXTENSION_DIR}/${subdir})
endforeach()

# Firefox takes an add-on as an .xpi (a zip): the same files, in a fixed order with a fixed
# date, so that the same source gives the same bytes. Unsigned: see installer/linux/README.md.
set(JPKI_XPI ${CMAKE_BINARY_DIR}/installer/jpki-bridge@jpki-bridge.org.xpi)
list(TRANSFORM jpki_extension_files PREPEND ${PROJECT_SOURCE_DIR}/extension/ OUTPUT_VARIABLE jpki_extension_paths)
add_custom_command(OUTPUT ${JPKI_XPI}
  COMMAND ${CMAKE_COMMAND} -E env TZ=UTC ${CMAKE_COMMAND} -E tar cf ${JPKI_XPI} --format=zip "--mtime=2026-01-01 00:00:00 UTC" -- ${jpki_extension_files}
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/extension
  DEPENDS ${jpki_extension_paths}
  COMMENT "Firefox add-on: jpki-bridge@jpki-bridge.org.xpi")
add_custom_target(firefox-xpi ALL DEPENDS ${JPKI_XPI})
install(FILES ${JPKI_XPI} DESTINATION ${CMAKE_INSTALL_DATADIR}/jpki-bridge)

# Debian's chromium loads every folder in /usr/share/chromium/extensions/ (its wrapper,
# /etc/chromium.d/extensions, passes them to --load-extension), as Debian's webext-* packages
# use it. The manifest's "key" keeps the ID the host manifests allow.
install(CODE "
  set(dir \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/share/chromium/extensions\")
  file(MAKE_DIRECTORY \"\${dir}\")
  file(CREATE_LINK ../../jpki-bridge/extension \"\${dir}/jpki-bridge\" SYMBOLIC)
  list(APPEND CMAKE_INSTALL_MANIFEST_FILES \"\${dir}/jpki-bridge\")")

install(FILES ${PROJECT_SOURCE_DIR}/docs/jpki-verify.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/firefox-policies.json DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
# Debian wants both in every package's documentation folder (stage.cmake compresses the changelog).
install(FILES ${CMAKE_CURRENT_LIST_DIR}/copyright ${CMAKE_CURRENT_LIST_DIR}/changelog
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CMAKE_CURRENT_LIST_DIR}/lintian-overrides
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME jpki-bridge)

# Package metadata.
set(CPACK_PACKAGE_NAME jpki-bridge)
set(CPACK_PACKAGE_VENDOR "jpki-bridge")
set(CPACK_PACKAGE_CONTACT "jpki-bridge maintainers <maintainers@jpki-bridge.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "My Number Card (JPKI) login and signing in the web browser")
set(CPACK_PACKAGE_DESCRIPTION_FILE ${CMAKE_CURRENT_LIST_DIR}/description.txt)
set(CPACK_PACKAGE_HOMEPAGE_URL "https://jpki-bridge.org/")
set(CPACK_STRIP_FILES ON)
# Only the residents' files: the relying-party library, its header and pkg-config file
# (component relying-party, host/verify/) are for portals, through `cmake --install`.
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};${PROJECT_NAME};Unspecified;/")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}_${PROJECT_VERSION}")
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/stage.cmake)
set(CPACK_JPKI_FIREFOX_MANIFEST_DIR ${JPKI_FIREFOX_MANIFEST_DIR})

set(CPACK_GENERATOR DEB)
find_program(JPKI_RPMBUILD rpmbuild)
if(JPKI_RPMBUILD)
  list(APPEND CPACK_GENERATOR RPM)
endif()

# .deb: the libraries through dpkg-shlibdeps; pcscd, and a pinentry that can show a dialog on a
# desktop (the host runs `pinentry`, which each of these provides through alternatives).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "pcscd, pinentry-gnome3 | pinentry-gtk2 | pinentry-qt | pinentry-fltk")
# The host's dialogs name the site by its registrable domain: libpsl5 comes through shlibdeps;
# publicsuffix keeps the list libpsl reads newer than the one built into it.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "publicsuffix")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_BINARY_DIR}/installer/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# .rpm: the libraries through rpm's own dependency finder; Fedora's names.
set(CPACK_RPM_PACKAGE_LICENSE "LicenseRef-not-yet-chosen")
set(CPACK_RPM_PACKAGE_GROUP "Applications/System")
set(CPACK_RPM_PACKAGE_REQUIRES "pcsc-lite, (pinentry-gnome3 or pinentry-qt or pinentry-gtk)")
# libpsl (libpsl.so.5) is found by rpm. (No weak dependency on Fedora's list: CPack 3.25 finds
# Debian's rpmbuild without support for Suggests and drops the tag.)
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_RELEASE_DIST OFF)
set(CPACK_RPM_PACKAGE_RELOCATABLE OFF)
# No /usr/lib/.build-id links (they would clash between packages of this and other versions).
set(CPACK_RPM_SPEC_MORE_DEFINE "%define _build_id_links none\n%define packager ${CPACK_PACKAGE_CONTACT}")

# Files under /etc are configuration: dpkg keeps an edited one on upgrade and removes them on
# purge; rpm marks them %config(noreplace).
set(jpki_etc_manifests "")
foreach(dir IN LISTS JPKI_CHROME_FAMILY_MANIFEST_DIRS)
  list(APPEND jpki_etc_manifests "${dir}/${JPKI_HOST_NAME}.json")
endforeach()
list(JOIN jpki_etc_manifests "\n" jpki_conffiles)
file(WRITE ${CMAKE_BINARY_DIR}/installer/conffiles "${jpki_conffiles}\n")
list(TRANSFORM jpki_etc_manifests PREPEND "%config(noreplace) " OUTPUT_VARIABLE CPACK_RPM_USER_FILELIST)
# rpm would otherwise claim these shared folders as the package's own.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /etc/opt /etc/opt/chrome /etc/opt/edge /etc/opt/brave.com /etc/opt/brave.com/brave /etc/chromium
    /usr/lib/mozilla /usr/lib64 /usr/lib64/mozilla /usr/share/chromium /usr/share/chromium/extensions
    /usr/share/man /usr/share/man/man1 /usr/libexec /usr/share/doc)

include(CPack)
