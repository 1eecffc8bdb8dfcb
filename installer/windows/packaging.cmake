# The Windows installer: `cmake --build --preset windows --target msi` makes
# jpki-bridge-<version>-x64.msi with wixl (msitools) from installer/windows/jpki-bridge.wxs.
# wixl takes the files' paths relative to the folder it runs in (the build folder).
# The host manifests name the host relative to themselves (Windows browsers allow it): the
# .exe lies beside them in the install folder.
set(JPKI_HOST_PATH jpki-bridge-host.exe)
set(JPKI_WINDOWS_MANIFESTS ${PROJECT_BINARY_DIR}/installer/windows)
configure_file(${PROJECT_SOURCE_DIR}/manifests/chrome.json.in
  ${JPKI_WINDOWS_MANIFESTS}/chrome/${JPKI_HOST_NAME}.json @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/manifests/firefox.json.in
  ${JPKI_WINDOWS_MANIFESTS}/firefox/${JPKI_HOST_NAME}.json @ONLY)

find_program(WIXL wixl REQUIRED)
set(JPKI_MSI ${PROJECT_BINARY_DIR}/jpki-bridge-${PROJECT_VERSION}-x64.msi)
add_custom_command(OUTPUT ${JPKI_MSI}
  COMMAND ${WIXL} -a x64 -o ${JPKI_MSI}
    -D Version=${PROJECT_VERSION}
    -D HostName=${JPKI_HOST_NAME}
    -D HostExe=$<PATH:RELATIVE_PATH,$<TARGET_FILE:jpki-bridge-host>,${PROJECT_BINARY_DIR}>
    -D CliExe=$<PATH:RELATIVE_PATH,$<TARGET_FILE:jpki-cli>,${PROJECT_BINARY_DIR}>
    -D ChromeManifest=installer/windows/chrome/${JPKI_HOST_NAME}.json
    -D FirefoxManifest=installer/windows/firefox/${JPKI_HOST_NAME}.json
    ${CMAKE_CURRENT_LIST_DIR}/jpki-bridge.wxs
  WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/jpki-bridge.wxs jpki-bridge-host jpki-cli
  COMMENT "Making the Windows installer with wixl")
add_custom_target(msi ALL DEPENDS ${JPKI_MSI})
