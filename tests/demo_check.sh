#!/bin/sh
# tests/demo_check.sh : make demo as a newcomer meets it, beyond the offline run of the
# development tree: as a user who is not root (no sudo, no apt) in a fresh copy of the
# repository, and, for that user, with libcurl's headers missing (a compiler that cannot find
# curl/curl.h): the demo must stop with the package to install for this platform, not try apt.
# Needs root (to become another user) and runuser; says why when it cannot run.
set -u
fail=0
say() { echo "  $*"; }
bad() { echo "  FAIL: $*"; fail=1; }
if [ "$(id -u)" != 0 ] || ! command -v runuser >/dev/null 2>&1 || ! id nobody >/dev/null 2>&1; then
    echo "== make demo as another user: skipped (needs root, runuser and the user nobody)"
    exit 0
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "== make demo as another user: skipped (not a git checkout: the tracked files make the fresh copy)"
    exit 0
fi
tmp=$(mktemp -d /tmp/ailib-demo.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
# the repository as a user would get it: the tracked files only, no build tree
git ls-files -z | tar --null -T - -cf - | tar -C "$tmp" -xf - || { bad "could not copy the tree"; exit 1; }
mkdir -p "$tmp/home"
chown -R nobody "$tmp"
chmod 755 "$tmp"
as_user() { runuser -u nobody -- env -i PATH="$PATH" HOME="$tmp/home" LANG=C.UTF-8 "$@"; }

# 1. not root, nothing built yet: the demo builds what it needs and streams from the mock
if as_user sh -c "cd '$tmp' && AILIB_DEMO_OFFLINE=1 make --no-print-directory demo" >"$tmp/demo.out" 2>&1; then
    if grep -qi "ailib-mock" "$tmp/demo.out"; then say "make demo, not root, fresh copy: streamed from ailib-mock"
    else bad "make demo as nobody did not say it used ailib-mock"; cat "$tmp/demo.out"; fi
else
    bad "make demo as nobody failed"; cat "$tmp/demo.out"
fi

# 2. not root, libcurl's headers missing: a message naming the package, exit 1, no apt
cat > "$tmp/cc-nocurl" <<'CC'
#!/bin/sh
for a in "$@"; do
    case $a in *.c) if grep -q 'curl/curl.h' "$a" 2>/dev/null; then
        echo "$a:1:10: fatal error: curl/curl.h: No such file or directory" >&2; exit 1; fi ;; esac
done
exec cc "$@"
CC
chmod 755 "$tmp/cc-nocurl"
as_user sh -c "cd '$tmp' && CC='$tmp/cc-nocurl' sh tools/deps.sh demo" >"$tmp/nocurl.out" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q "curl/curl.h" "$tmp/nocurl.out" && grep -qi "install" "$tmp/nocurl.out" &&
   ! grep -q "== installing" "$tmp/nocurl.out"; then
    say "no libcurl headers, not root: exit 1, advice: $(grep -m1 '^  ' "$tmp/nocurl.out" | sed 's/^ *//')"
else
    bad "no libcurl headers, not root: exit $rc"; cat "$tmp/nocurl.out"
fi
[ $fail = 0 ] && echo "== make demo as another user (fresh copy; and without libcurl's headers): ok"
exit $fail
