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

# Two installers from the same files: per machine (jpki-bridge.wxs: Program Files, HKLM) and
# per user (jpki-bridge-user.wxs: %LOCALAPPDATA%\Programs, HKCU, no administrator rights).
find_program(WIXL wixl REQUIRED)
file(GLOB JPKI_ROOT_FILES ${PROJECT_SOURCE_DIR}/host/data/jpki-ca/*.pem)
file(RELATIVE_PATH JPKI_CA_FROM_BUILD ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR}/host/data/jpki-ca)
set(JPKI_MSI ${PROJECT_BINARY_DIR}/jpki-bridge-${PROJECT_VERSION}-x64.msi)
set(JPKI_USER_MSI ${PROJECT_BINARY_DIR}/jpki-bridge-user-${PROJECT_VERSION}-x64.msi)
foreach(kind machine user)
  if(kind STREQUAL machine)
    set(msi ${JPKI_MSI})
    set(wxs ${CMAKE_CURRENT_LIST_DIR}/jpki-bridge.wxs)
  else()
    set(msi ${JPKI_USER_MSI})
    set(wxs ${CMAKE_CURRENT_LIST_DIR}/jpki-bridge-user.wxs)
  endif()
  add_custom_command(OUTPUT ${msi}
    COMMAND ${WIXL} -a x64 -o ${msi}
      -D Version=${PROJECT_VERSION}
      -D HostName=${JPKI_HOST_NAME}
      -D HostExe=$<PATH:RELATIVE_PATH,$<TARGET_FILE:jpki-bridge-host>,${PROJECT_BINARY_DIR}>
      -D CliExe=$<PATH:RELATIVE_PATH,$<TARGET_FILE:jpki-cli>,${PROJECT_BINARY_DIR}>
      -D ChromeManifest=installer/windows/chrome/${JPKI_HOST_NAME}.json
      -D FirefoxManifest=installer/windows/firefox/${JPKI_HOST_NAME}.json
      -D CaDir=${JPKI_CA_FROM_BUILD}
      ${wxs}
    WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
    DEPENDS ${wxs} ${JPKI_ROOT_FILES} jpki-bridge-host jpki-cli
    COMMENT "Making the ${kind} Windows installer with wixl")
endforeach()
add_custom_target(msi ALL DEPENDS ${JPKI_MSI} ${JPKI_USER_MSI})
