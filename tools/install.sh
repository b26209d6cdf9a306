#!/bin/sh
# make install: copies the headers and the libraries built by `make lib`, and writes the
# pkg-config files and the CMake package from the templates in cmake/ (the same ones CMake's
# own install step uses).
# Usage: sh tools/install.sh DESTDIR PREFIX INCLUDEDIR LIBDIR VERSION BUILDDIR
set -e
destdir=$1 prefix=$2 includedir=$3 libdir=$4 version=$5 b=$6
[ -n "$prefix" ] && [ -n "$version" ] || { echo "install: usage: install.sh DESTDIR PREFIX INCLUDEDIR LIBDIR VERSION BUILDDIR" >&2; exit 2; }
major=$(echo "$version" | cut -d. -f1)
minor=$(echo "$version" | cut -d. -f2)
sover=$major.$minor

# The CMake package finds the headers and libraries relative to itself, so a staged
# (DESTDIR) or moved tree works: that needs both directories under PREFIX.
case $includedir in "$prefix"/*) ;; *) echo "install: INCLUDEDIR ($includedir) must be under PREFIX ($prefix)" >&2; exit 2 ;; esac
case $libdir in "$prefix"/*) ;; *) echo "install: LIBDIR ($libdir) must be under PREFIX ($prefix)" >&2; exit 2 ;; esac
inc_rel=${includedir#"$prefix"/}
lib_rel=${libdir#"$prefix"/}
up=../..                                   # out of LIBDIR/cmake/ailib
rest=$lib_rel
while [ -n "$rest" ]; do
    up=$up/..
    case $rest in */*) rest=${rest#*/} ;; *) rest= ;; esac
done

d=$destdir
mkdir -p "$d$includedir" "$d$libdir/pkgconfig" "$d$libdir/cmake/ailib"
cp ailib.h ailib_providers.h "$d$includedir/"
cp "$b/lib/libailib.a" "$d$libdir/"
cp "$b/lib/libailib.so.$version" "$d$libdir/"
ln -sf "libailib.so.$version" "$d$libdir/libailib.so.$sover"
ln -sf "libailib.so.$sover" "$d$libdir/libailib.so"

subst() {
    sed -e "s|@AILIB_VERSION@|$version|g" -e "s|@AILIB_VERSION_MAJOR@|$major|g" -e "s|@AILIB_VERSION_MINOR@|$minor|g" \
        -e "s|@AILIB_PREFIX@|$prefix|g" -e "s|@AILIB_INCLUDEDIR@|$includedir|g" -e "s|@AILIB_LIBDIR@|$libdir|g" \
        -e "s|@AILIB_CONFIG_TO_PREFIX@|$up|g" -e "s|@AILIB_INCLUDEDIR_REL@|$inc_rel|g" -e "s|@AILIB_LIBDIR_REL@|$lib_rel|g" \
        -e "s|@AILIB_NO_CURL@|OFF|g" -e "s|@AILIB_PC_REQUIRES@|libcurl|g" -e "s|@AILIB_PC_LIBM@|-lm|g" "$1"
}
subst cmake/ailib.pc.in > "$d$libdir/pkgconfig/ailib.pc"
subst cmake/ailib-lib.pc.in > "$d$libdir/pkgconfig/ailib-lib.pc"
subst cmake/ailibConfig.cmake.in > "$d$libdir/cmake/ailib/ailibConfig.cmake"
subst cmake/ailibConfigVersion.cmake.in > "$d$libdir/cmake/ailib/ailibConfigVersion.cmake"
if grep -q '@AILIB_' "$d$libdir/cmake/ailib/ailibConfig.cmake" "$d$libdir/pkgconfig/ailib.pc"; then
    echo "install: a template variable was left unreplaced" >&2; exit 1
fi
echo "installed ailib $version into $d$prefix"
