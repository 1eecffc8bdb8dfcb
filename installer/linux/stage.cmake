# Run by cpack (CPACK_PRE_BUILD_SCRIPTS) on the files staged for one package, before the package
# is made from them: what install() cannot say per package format.
set(root "${CPACK_TEMPORARY_INSTALL_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX}")

# Manual pages and the changelog compressed as Debian wants them (gzip -9n: no name, no date,
# so the same input gives the same bytes); rpm would compress the pages itself.
file(GLOB_RECURSE pages "${root}/share/man/*.[1-9]")
foreach(file IN LISTS pages ITEMS "${root}/share/doc/jpki-bridge/changelog")
  execute_process(COMMAND gzip -9nf "${file}" COMMAND_ERROR_IS_FATAL ANY)
endforeach()

if(CPACK_GENERATOR STREQUAL "RPM")
  # Firefox built for a distribution with /usr/lib64 (Fedora, openSUSE) looks for system-wide
  # host manifests there; lintian's overrides mean nothing to rpm.
  file(COPY "${root}/${CPACK_JPKI_FIREFOX_MANIFEST_DIR}/"
       DESTINATION "${root}/lib64/mozilla/native-messaging-hosts")
  file(REMOVE_RECURSE "${root}/share/lintian")
  # CPackRPM marks every file installed to an absolute destination %config: only the manifests
  # under /etc are (CPACK_RPM_USER_FILELIST), not the CA roots host/lib installs to JPKI_CA_DIR.
  set(CPACK_ABSOLUTE_DESTINATION_FILES "")
endif()
