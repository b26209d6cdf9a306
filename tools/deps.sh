#!/bin/sh
# Installs what the build needs on a fresh Debian machine: compilers, valgrind, libcurl's dev package.
set -e
need=""
command -v cc >/dev/null 2>&1 || need="$need build-essential"
command -v clang >/dev/null 2>&1 || need="$need clang"
command -v valgrind >/dev/null 2>&1 || need="$need valgrind"
command -v curl >/dev/null 2>&1 || need="$need curl"
command -v localedef >/dev/null 2>&1 || need="$need locales"
command -v tmux >/dev/null 2>&1 || need="$need tmux"
[ -f /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -f /usr/include/curl/curl.h ] || \
  ls /usr/include/*/curl/curl.h >/dev/null 2>&1 || need="$need libcurl4-openssl-dev"
if [ -n "$need" ]; then
  echo "== installing:$need"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
fi
