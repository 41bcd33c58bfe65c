# Release packages with CPack (scripts/package runs it): on Windows (the mingw build) a zip,
# hciattest-<version>-windows-x64.zip; on Linux a .deb for relying parties. Both carry the
# project's LICENSE, README, CHANGELOG and docs, and the licences of everything linked in.

set(hciattest_docs README.md LICENSE CHANGELOG.md)
set(hciattest_doc_pages docs/user-guide.md docs/exit-codes.md docs/troubleshooting.md
    docs/pipelines.md docs/architecture.md docs/report-schema.json)

if(WIN32)
  set(doc_dir .)
  set(license_dir licenses)
  # The dependencies' licences as scripts/deps-mingw collected them (share/licenses/<name>/ in
  # each prefix), and the mingw-w64 runtime and GCC runtime libraries linked statically.
  foreach(prefix IN LISTS HCIATTEST_MINGW_DEPS)
    if(EXISTS "${prefix}/share/licenses")
      install(DIRECTORY "${prefix}/share/licenses/" DESTINATION ${license_dir})
    endif()
  endforeach()
  foreach(pkg mingw-w64-x86-64-dev gcc-mingw-w64-x86-64-posix-runtime)
    if(EXISTS "/usr/share/doc/${pkg}/copyright")
      install(FILES "/usr/share/doc/${pkg}/copyright" DESTINATION ${license_dir}/${pkg})
    endif()
  endforeach()
else()
  set(doc_dir share/doc/hciattest)
  set(license_dir share/doc/hciattest/licenses)
  # Debian's copyright files of the libraries the binary links (their own packages also ship
  # them; the copy keeps the .deb self-describing), and the header-only ones compiled in.
  foreach(pkg libssl3 libcpprest2.10 nlohmann-json3-dev libcli11-dev)
    if(EXISTS "/usr/share/doc/${pkg}/copyright")
      install(FILES "/usr/share/doc/${pkg}/copyright" DESTINATION ${license_dir}/${pkg})
    endif()
  endforeach()
endif()
install(FILES ${hciattest_docs} DESTINATION ${doc_dir})
install(FILES ${hciattest_doc_pages} DESTINATION ${doc_dir}/docs)
# The Intune detection and remediation scripts (docs/pipelines.md).
install(FILES contrib/intune/detect.ps1 contrib/intune/remediate.ps1 DESTINATION ${doc_dir}/contrib/intune)

set(CPACK_PACKAGE_NAME hciattest)
set(CPACK_PACKAGE_VENDOR "hciattest contributors")
set(CPACK_PACKAGE_CONTACT "hciattest contributors")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Verifies Azure IMDS attested documents and diagnoses Windows activation (Azure Local, Azure, AWS)")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_STRIP_FILES ON)
if(WIN32)
  set(CPACK_GENERATOR ZIP)
  set(CPACK_PACKAGE_FILE_NAME "hciattest-${PROJECT_VERSION}-windows-x64")
  set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)
else()
  set(CPACK_GENERATOR DEB)
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
  set(CPACK_DEBIAN_PACKAGE_SECTION admin)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
endif()
include(CPack)
