# packaging.cmake - what `cmake --install` puts where, and the Debian
# package `cpack -G DEB` makes of it.
#
#   PREFIX/bin                          baogao, baogao-index, baogao-searchd
#                                       (the install(TARGETS) rule above)
#   PREFIX/share/man/man1, man8         baogao(1), baogao-index(1),
#                                       baogao-searchd(8), gzipped
#   PREFIX/share/bash-completion/completions/{baogao,baogao-index,baogao-searchd}
#   PREFIX/share/zsh/vendor-completions/_baogao   (PREFIX /usr)
#   PREFIX/share/zsh/site-functions/_baogao       (any other PREFIX)
#   PREFIX/lib/systemd/system/baogao-searchd.service
#   PREFIX/share/baogao/web             the web page, when web/ exists
#   PREFIX/share/doc/baogao             README, copyright, changelog
#
# The unit names the installed daemon by its full path and zsh looks for
# completions in another folder under /usr than under /usr/local, so both are
# written at install time (packaging/install.cmake), for the prefix in force
# then: `cmake --install --prefix DIR` and cpack (prefix /usr) each get theirs.
# The Debian package adds the system user baogao, the folder
# /var/lib/baogao/index and the enabled unit (packaging/deb/postinst).

include(GNUInstallDirs)

set(BAOGAO_DEB_MAINTAINER "baogao maintainers <maintainers@baogao.invalid>"
    CACHE STRING "Maintainer field of the Debian package")

# Man pages, gzipped as Debian wants them (man reads them either way).
set(BAOGAO_MAN_PAGES baogao.1 baogao-index.1 baogao-searchd.8)
set(BAOGAO_MAN_GZ)
foreach(page ${BAOGAO_MAN_PAGES})
  set(src ${CMAKE_SOURCE_DIR}/man/${page})
  set(gz ${CMAKE_BINARY_DIR}/man/${page}.gz)
  add_custom_command(OUTPUT ${gz}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND gzip -9 -n -c ${src} > ${gz}
    DEPENDS ${src}
    COMMENT "Compressing man page ${page}")
  list(APPEND BAOGAO_MAN_GZ ${gz})
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
  install(FILES ${gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()

# The Debian changelog, gzipped into the doc folder.
set(BAOGAO_CHANGELOG_GZ ${CMAKE_BINARY_DIR}/packaging/changelog.gz)
add_custom_command(OUTPUT ${BAOGAO_CHANGELOG_GZ}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging
  COMMAND gzip -9 -n -c ${CMAKE_SOURCE_DIR}/packaging/changelog > ${BAOGAO_CHANGELOG_GZ}
  DEPENDS ${CMAKE_SOURCE_DIR}/packaging/changelog
  COMMENT "Compressing the Debian changelog")
set(BAOGAO_README_GZ ${CMAKE_BINARY_DIR}/packaging/README.md.gz)
add_custom_command(OUTPUT ${BAOGAO_README_GZ}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging
  COMMAND gzip -9 -n -c ${CMAKE_SOURCE_DIR}/README.md > ${BAOGAO_README_GZ}
  DEPENDS ${CMAKE_SOURCE_DIR}/README.md
  COMMENT "Compressing the README")
add_custom_target(baogao-docs ALL DEPENDS ${BAOGAO_MAN_GZ} ${BAOGAO_CHANGELOG_GZ}
                                          ${BAOGAO_README_GZ})
install(FILES ${BAOGAO_CHANGELOG_GZ} ${BAOGAO_README_GZ}
              ${CMAKE_SOURCE_DIR}/packaging/copyright
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/baogao)

# bash-completion loads a command's completion from a file of its name.
foreach(prog baogao baogao-index baogao-searchd)
  install(FILES ${CMAKE_SOURCE_DIR}/completions/baogao.bash
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
          RENAME ${prog})
endforeach()

# The unit and the zsh completion, for the prefix of the install.
install(CODE "set(BAOGAO_SOURCE_DIR \"${CMAKE_SOURCE_DIR}\")
set(BAOGAO_BINARY_DIR \"${CMAKE_BINARY_DIR}\")
set(BAOGAO_INSTALL_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
set(BAOGAO_INSTALL_DATADIR \"${CMAKE_INSTALL_DATADIR}\")")
install(SCRIPT ${CMAKE_SOURCE_DIR}/packaging/install.cmake)

# The page searchd serves, when the source has one.
if(EXISTS ${CMAKE_SOURCE_DIR}/web)
  install(DIRECTORY ${CMAKE_SOURCE_DIR}/web/ DESTINATION ${CMAKE_INSTALL_DATADIR}/baogao/web)
endif()

# ---- the Debian package: cpack -G DEB (see README, "Installing as a service")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME baogao)
set(CPACK_PACKAGE_VENDOR "baogao")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${BAOGAO_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "exact full-text search for Chinese government work reports")
# Install into a staging DESTDIR with the real prefix, so that the install
# script writes the unit for /usr/bin.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION text)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${BAOGAO_DEB_MAINTAINER}")
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the rest.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"baogao indexes government work reports (政府工作报告) in text, Markdown,
Word, HTML and PDF files, in UTF-8, UTF-16, GB18030 or Big5, and finds
every paragraph where a phrase was used, unit for unit, with exact counts.
.
The package holds the indexer baogao-index, the command-line client baogao
(search, count by year or region, concordance, similar paragraphs, report
diffs) and the HTTP daemon baogao-searchd, with its systemd unit enabled
on /var/lib/baogao/index and listening on 127.0.0.1:8765.")
# Library dependencies from dpkg-shlibdeps; libcurl is loaded at run time
# (dlopen) by `baogao --server` only; adduser makes the system user.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libcurl4 | libcurl3-gnutls")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/deb/postinst
    ${CMAKE_SOURCE_DIR}/packaging/deb/prerm
    ${CMAKE_SOURCE_DIR}/packaging/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
