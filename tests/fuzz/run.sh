#!/bin/sh
# make fuzz: runs each libFuzzer target for FUZZ_SECONDS (default 60) on a corpus seeded from
# the recorded fixtures (../shared/fixtures, read in place) and tests/fixtures, with its
# format's dictionary, and prints per target the executions, coverage (cov/ft) and findings.
# Fails when a target found a crash, a property violation, a timeout, a leak or an OOM; the
# inputs are kept under $FZ/findings/<target>/ (add each, once fixed, to tests/fuzz/regress/).
#   usage: run.sh FUZZ_BUILD_DIR TARGET...      (FUZZ_JOBS_NICE=0 to run without nice)
FZ=$1; shift
SECS=${FUZZ_SECONDS:-60}
FIXTURES=${AILIB_FIXTURES:-../shared/fixtures}
NICE=nice; [ "${FUZZ_JOBS_NICE:-1}" = 0 ] && NICE=
mkdir -p "$FZ/dict" "$FZ/logs"
rm -rf "$FZ/seeds-in"
"$FZ/seeds" "$FZ/seeds-in" "$FIXTURES" tests/fixtures >/dev/null || exit 1

dicts() {   # the dictionaries of a target's input format
  case $1 in
    json) echo json ;;
    sse) echo sse ;;
    ndjson) echo ndjson json ;;
    stream) echo sse ndjson json wire ;;
    response|error) echo json wire ;;
    schema) echo schema json ;;
    think) echo think ;;
    engine) echo http sse json wire ;;
  esac
}

maxlen() {
  case $1 in
    engine|think|schema) echo 8192 ;;
    *) echo 16384 ;;
  esac
}

status=0
printf '%-9s %6s %12s %8s %8s  %s\n' target secs execs cov ft findings
for t in "$@"; do
  : > "$FZ/dict/$t.dict"
  for d in $(dicts "$t"); do cat "tests/fuzz/dict/$d.dict" >> "$FZ/dict/$t.dict"; done
  mkdir -p "$FZ/corpus/$t" "$FZ/findings/$t" "$FZ/seeds-in/$t"
  before=$(ls "$FZ/findings/$t" | wc -l)
  regress=; [ -d "tests/fuzz/regress/$t" ] && regress="tests/fuzz/regress/$t"
  $NICE "$FZ/fuzz-$t" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len="$(maxlen "$t")" \
    -dict="$FZ/dict/$t.dict" -artifact_prefix="$FZ/findings/$t/" -print_final_stats=1 \
    "$FZ/corpus/$t" "$FZ/seeds-in/$t" $regress > "$FZ/logs/$t.log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$FZ/logs/$t.log" | tail -1)
  line=$(grep -E '^#[0-9]+' "$FZ/logs/$t.log" | grep 'cov:' | tail -1)
  cov=$(echo "$line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  after=$(ls "$FZ/findings/$t" | wc -l)
  found=$((after - before))
  if [ "$rc" != 0 ] || [ "$found" != 0 ]; then
    status=1
    what=$(grep -m1 -E 'property violated|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' "$FZ/logs/$t.log")
    printf '%-9s %6s %12s %8s %8s  %s (%s)\n' "$t" "$SECS" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$found" "$what"
  else
    printf '%-9s %6s %12s %8s %8s  %s\n' "$t" "$SECS" "${execs:-?}" "${cov:-?}" "${ft:-?}" 0
  fi
done
[ $status = 0 ] && echo "== fuzz: no findings" || echo "== fuzz: FINDINGS (inputs in $FZ/findings/, logs in $FZ/logs/)"
exit $status
