# install.cmake - run by `cmake --install` (and by cpack) after the files of
# packaging.cmake: writes the systemd unit for the installed daemon's path
# and puts the zsh completion where the zsh of that prefix looks.
# CMAKE_INSTALL_PREFIX is the prefix of this install; file(INSTALL) adds
# DESTDIR and records the files in install_manifest.txt.

set(prefix "${CMAKE_INSTALL_PREFIX}")
set(BAOGAO_BINDIR "${prefix}/${BAOGAO_INSTALL_BINDIR}")
string(MD5 tag "${prefix}")
set(stage "${BAOGAO_BINARY_DIR}/packaging/unit-${tag}")
configure_file("${BAOGAO_SOURCE_DIR}/packaging/baogao-searchd.service.in"
               "${stage}/baogao-searchd.service" @ONLY)
file(INSTALL "${stage}/baogao-searchd.service"
     DESTINATION "${prefix}/lib/systemd/system"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# Debian's zsh reads /usr/share/zsh/vendor-completions for packages and
# /usr/local/share/zsh/site-functions for the rest.
if(prefix STREQUAL "/usr")
  set(zshdir "${prefix}/${BAOGAO_INSTALL_DATADIR}/zsh/vendor-completions")
else()
  set(zshdir "${prefix}/${BAOGAO_INSTALL_DATADIR}/zsh/site-functions")
endif()
file(INSTALL "${BAOGAO_SOURCE_DIR}/completions/_baogao" DESTINATION "${zshdir}"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
