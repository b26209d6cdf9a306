#!/bin/sh
# The ways a C/C++ project takes ailib in, each tried with a tiny consumer
# (tests/consumers/main.c compiles the implementation, use.c links the library):
# - make single: build/single/ailib.h alone in a folder, built with the README's commands;
# - CMake add_subdirectory (the README's block) with ailib::ailib, ailib::ailib_static and
#   ailib::ailib_shared;
# - CMake FetchContent (the README's block) from the tarball of make dist, and from git;
# - CMake find_package (the README's block) after make install DESTDIR=..., and after CMake's
#   own build and cmake --install DESTDIR=...: the header and both libraries;
# - pkg-config (the README's commands) on the make install tree: ailib and ailib-lib;
# - make uninstall leaves nothing behind.
# Each program is run and must print the version of ailib.h.
set -e
cd "$(dirname "$0")/.."
ROOT=$(pwd)
B=build/consumers
rm -rf $B && mkdir -p $B
version=$(sed -n 's/^#define AILIB_VERSION_STRING "\(.*\)"/\1/p' ailib.h)
sh tools/readme_blocks.sh $B/readme
marked() {
  f=$(grep -lx "$1" $B/readme/*.mark 2>/dev/null | sed 's/\.mark$//')
  [ -n "$f" ] || { echo "consumers: README.md has no block marked <!-- check: $1 -->" >&2; exit 1; }
  echo "$f"
}
# check DIR PROGRAM: runs it; it must exit 0 and print "ailib VERSION".
check() {
  out=$(cd "$1" && LD_LIBRARY_PATH="${LIBPATH:-}" "./$2" 2>&1) || { echo "consumers: $1/$2 failed: $out"; exit 1; }
  case $out in "ailib $version"*) ;; *) echo "consumers: $1/$2 printed '$out', not ailib $version"; exit 1 ;; esac
}
done_list=

# --- what make provides ---------------------------------------------------------------------------
make -s lib single >/dev/null
make -s install DESTDIR="$ROOT/$B/root" PREFIX=/usr/local >/dev/null
make -s dist >/dev/null
MROOT=$ROOT/$B/root/usr/local
for f in include/ailib.h include/ailib_providers.h lib/libailib.a lib/libailib.so lib/libailib.so.$version \
         lib/pkgconfig/ailib.pc lib/pkgconfig/ailib-lib.pc lib/cmake/ailib/ailibConfig.cmake lib/cmake/ailib/ailibConfigVersion.cmake; do
  [ -e "$MROOT/$f" ] || { echo "consumers: make install did not write $f"; exit 1; }
done
extra=$(nm -D --defined-only "$MROOT/lib/libailib.so" | awk '$2 ~ /^[TDBR]$/ && $3 !~ /^ailib_/ && $3 !~ /^_/' | head -3)
[ -z "$extra" ] || { echo "consumers: libailib.so exports symbols outside ailib_: $extra"; exit 1; }

# --- make single: one file alone in a folder, the README's build commands ------------------------
mkdir -p $B/single
cp build/single/ailib.h tests/consumers/main.c $B/single/
sed -e 's/[[:space:]]*#.*$//' -e '/^[[:space:]]*$/d' "$(marked build)" | while IFS= read -r cmd; do
  cmd=$(printf '%s\n' "$cmd" | sed 's/\bhello\b/main/g')
  (cd $B/single && sh -ec "$cmd") || { echo "consumers: make single: '$cmd' failed"; exit 1; }
  check $B/single main
done
done_list="$done_list make-single"

# --- CMake ----------------------------------------------------------------------------------------
LIB_LINES='
add_executable(app_static use.c)
target_link_libraries(app_static PRIVATE ailib::ailib_static)
add_executable(app_shared use.c)
target_link_libraries(app_shared PRIVATE ailib::ailib_shared)'
subdir_block=$(marked cmake-subdir)
grep -q '^add_subdirectory(ailib)' "$subdir_block" || { echo "consumers: the cmake-subdir block has no add_subdirectory(ailib) line"; exit 1; }
# project DIR BLOCK LIBS: a consumer whose CMakeLists.txt is the add_subdirectory block, its
# add_subdirectory line replaced by BLOCK (a file), plus the library lines when LIBS=1.
project() {
  mkdir -p "$1"
  cp tests/consumers/main.c tests/consumers/use.c "$1/"
  awk -v rep="$2" '/^add_subdirectory\(ailib\)/ && rep != "" { while ((getline l < rep) > 0) print l; next } { print }' \
    "$subdir_block" > "$1/CMakeLists.txt"
  [ "$3" = 1 ] && printf '%s\n' "$LIB_LINES" >> "$1/CMakeLists.txt"
  return 0
}
cmake_build() {
  dir=$1; shift
  if ! { cmake -S "$dir" -B "$dir/b" "$@" && cmake --build "$dir/b" -j2; } > "$dir/log" 2>&1; then
    echo "consumers: CMake consumer $dir failed:"; tail -30 "$dir/log"; exit 1
  fi
}

project $B/subdir "" 1
ln -s "$ROOT" $B/subdir/ailib
cmake_build $B/subdir -DAILIB_BUILD_LIBS=ON
check $B/subdir/b app; check $B/subdir/b app_static; check $B/subdir/b app_shared
done_list="$done_list cmake-add_subdirectory(header,static,shared)"

project $B/fetch "$(marked cmake-fetch)" 0
tarball=$(sed -n 's|.*URL \${CMAKE_CURRENT_SOURCE_DIR}/\(third_party/[^ )]*\).*|\1|p' "$(marked cmake-fetch)")
[ "$tarball" = "third_party/ailib-$version.tar.gz" ] || { echo "consumers: the README's FetchContent block names '$tarball', make dist writes ailib-$version.tar.gz"; exit 1; }
mkdir -p $B/fetch/third_party && cp build/ailib-$version.tar.gz $B/fetch/third_party/
cmake_build $B/fetch
check $B/fetch/b app
done_list="$done_list cmake-FetchContent(URL)"

# FetchContent from git, as the README says it works too: the repository's last commit (what
# is not committed yet is not in it).
if sha=$(git rev-parse HEAD 2>/dev/null) && git cat-file -e "$sha:CMakeLists.txt" 2>/dev/null; then
  printf 'include(FetchContent)\nFetchContent_Declare(ailib GIT_REPOSITORY file://%s GIT_TAG %s)\nFetchContent_MakeAvailable(ailib)\n' \
    "$ROOT" "$sha" > $B/fetch-git.cmake
  project $B/fetch-git $B/fetch-git.cmake 0
  cmake_build $B/fetch-git
  check $B/fetch-git/b app
  done_list="$done_list cmake-FetchContent(GIT_REPOSITORY)"
fi

project $B/find-make "$(marked cmake-find)" 1
cmake_build $B/find-make -DCMAKE_PREFIX_PATH="$MROOT"
check $B/find-make/b app; check $B/find-make/b app_static; LIBPATH=$MROOT/lib check $B/find-make/b app_shared
done_list="$done_list cmake-find_package-after-make-install(header,static,shared)"

# CMake's own build of the libraries and its install step, then the same consumer.
mkdir -p $B/top
if ! { cmake -S "$ROOT" -B $B/top/b -DAILIB_BUILD_LIBS=ON && cmake --build $B/top/b -j2; } > $B/top/log 2>&1; then
  echo "consumers: CMake's build of the libraries failed:"; tail -30 $B/top/log; exit 1
fi
( DESTDIR="$ROOT/$B/croot" cmake --install $B/top/b --prefix /usr/local ) >> $B/top/log 2>&1 || { echo "consumers: cmake --install failed"; tail -20 $B/top/log; exit 1; }
CROOT=$ROOT/$B/croot/usr/local
project $B/find-cmake "$(marked cmake-find)" 1
cmake_build $B/find-cmake -DCMAKE_PREFIX_PATH="$CROOT"
check $B/find-cmake/b app; check $B/find-cmake/b app_static; LIBPATH=$CROOT/lib check $B/find-cmake/b app_shared
done_list="$done_list cmake-find_package-after-cmake-install(header,static,shared)"

# --- pkg-config on the make install tree, the README's commands ------------------------------------
mkdir -p $B/pc
cp tests/consumers/main.c tests/consumers/use.c $B/pc/
sed -e 's/[[:space:]]*#.*$//' -e '/^[[:space:]]*$/d' "$(marked pkg-config)" | while IFS= read -r cmd; do
  (cd $B/pc && PKG_CONFIG_PATH="$MROOT/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$ROOT/$B/root" sh -ec "$cmd") \
    || { echo "consumers: pkg-config: '$cmd' failed"; exit 1; }
  LIBPATH=$MROOT/lib check $B/pc app
done
done_list="$done_list pkg-config(ailib,ailib-lib)"

# --- make uninstall ------------------------------------------------------------------------------
make -s uninstall DESTDIR="$ROOT/$B/root" PREFIX=/usr/local >/dev/null
left=$(find "$B/root" ! -type d | head -3)
[ -z "$left" ] || { echo "consumers: make uninstall left $left"; exit 1; }
done_list="$done_list make-uninstall"

echo "== consumers built and run:$done_list: ok"
