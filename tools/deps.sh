#!/bin/sh
# tools/deps.sh demo : what `make demo` needs: a C compiler and libcurl's headers and library.
#                      Installed through apt only when missing and running as root on Debian
#                      or Ubuntu; anywhere else it says which package to install.
# tools/deps.sh test : what `make test` needs on a fresh Debian machine (compilers, valgrind,
#                      clang, curl, locales, cmake, pkg-config, MinGW-w64, libcurl's dev
#                      package), installed through apt when missing.
set -e
mode=${1:-test}
CC=${CC:-cc}

# 0 when $CC compiles and links a program against libcurl and libm.
curl_builds() {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/ailib-deps.XXXXXX") || return 1
    printf '#include <curl/curl.h>\n#include <math.h>\nint main(void) { return curl_version() == 0 || floor(0.5) != 0.0; }\n' > "$tmp/t.c"
    rc=0
    "$CC" "$tmp/t.c" -o "$tmp/t" -lcurl -lm >"$tmp/log" 2>&1 || rc=1
    rm -rf "$tmp"
    return $rc
}

# What to install, said for the platform at hand.
advice() {
    id=
    if [ -r /etc/os-release ]; then id=$(. /etc/os-release && echo "$ID $ID_LIKE"); fi
    case "$(uname -s) $id" in
        Darwin*)   echo "  macOS: xcode-select --install   (the command line tools bring clang and libcurl)" ;;
        FreeBSD*)  echo "  FreeBSD: pkg install curl" ;;
        OpenBSD*)  echo "  OpenBSD: pkg_add curl" ;;
        *debian*|*ubuntu*) echo "  Debian/Ubuntu: sudo apt-get install build-essential libcurl4-openssl-dev" ;;
        *fedora*|*rhel*|*centos*) echo "  Fedora/RHEL: sudo dnf install gcc libcurl-devel" ;;
        *alpine*)  echo "  Alpine: sudo apk add build-base curl-dev" ;;
        *arch*)    echo "  Arch: sudo pacman -S base-devel curl" ;;
        *suse*)    echo "  openSUSE: sudo zypper install gcc libcurl-devel" ;;
        *)         echo "  a C compiler and libcurl's development files (package libcurl-dev, libcurl-devel or curl-dev)" ;;
    esac
}

apt_install() {
    echo "== installing:$*"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ "$mode" = demo ]; then
    if ! command -v "$CC" >/dev/null 2>&1; then problem="no C compiler ($CC)"
    elif ! curl_builds; then problem="$CC cannot build against libcurl: its headers (curl/curl.h) or library are missing"
    else exit 0
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        need=libcurl4-openssl-dev
        command -v "$CC" >/dev/null 2>&1 || need="build-essential $need"
        apt_install $need
        curl_builds && exit 0
    fi
    echo "make demo: $problem. Install them, then run make demo again:" >&2
    advice >&2
    exit 1
fi

[ "$mode" = test ] || { echo "usage: sh tools/deps.sh demo|test" >&2; exit 2; }
need=""
command -v cc >/dev/null 2>&1 || need="$need build-essential"
command -v clang >/dev/null 2>&1 || need="$need clang"
command -v valgrind >/dev/null 2>&1 || need="$need valgrind"
command -v curl >/dev/null 2>&1 || need="$need curl"
command -v localedef >/dev/null 2>&1 || need="$need locales"
command -v tmux >/dev/null 2>&1 || need="$need tmux"
command -v cmake >/dev/null 2>&1 || need="$need cmake"
command -v pkg-config >/dev/null 2>&1 || need="$need pkgconf"
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need="$need gcc-mingw-w64-x86-64-win32"
[ -f /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -f /usr/include/curl/curl.h ] || \
  ls /usr/include/*/curl/curl.h >/dev/null 2>&1 || need="$need libcurl4-openssl-dev"
if [ -n "$need" ]; then
  if [ "$(id -u)" = 0 ]; then apt_install $need
  elif command -v sudo >/dev/null 2>&1; then
    echo "== installing:$need (through sudo)"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
  else
    echo "make test needs:$need (apt-get install them as root)" >&2; exit 1
  fi
fi
# redis-server for the Redis store's tests (AILIB_ENABLE_REDIS): optional, those tests skip
# with their reason when it cannot be had.
if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  if [ "$(id -u)" = 0 ]; then apt_install redis-server || echo "== redis-server could not be installed: the Redis tests will skip"
  elif command -v sudo >/dev/null 2>&1; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null 2>&1 || \
      echo "== redis-server could not be installed: the Redis tests will skip"
  else echo "== redis-server is not installed (apt-get install redis-server): the Redis tests will skip"
  fi
fi
