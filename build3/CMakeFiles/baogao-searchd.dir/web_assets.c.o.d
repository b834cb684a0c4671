CMakeFiles/baogao-searchd.dir/web_assets.c.o: \
 /work/main/build3/web_assets.c /usr/include/stdc-predef.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h \
 /work/main/searchd/web_assets.h
