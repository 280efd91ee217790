#!/usr/bin/env bash
# Quick start, part 2: installs what is missing, builds, and runs every test:
#   1. unit and integration tests (Release) on SQLite and on a PostgreSQL 15
#      server started here on a loopback port in a temporary directory;
#   2. browser tests (Playwright driving Debian's chromium, axe-core) against
#      a server started on free loopback ports;
#   3. unit and integration tests again under AddressSanitizer and
#      UndefinedBehaviorSanitizer;
#   4. each libFuzzer target for YW_FUZZ_SECONDS (default 60) seconds.
# Set YW_SKIP_ASAN=1 or YW_SKIP_FUZZ=1 to leave a stage out while iterating.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

yw_install_packages "${YW_PACKAGES[@]}" "${YW_TEST_PACKAGES[@]}"
yw_install_npm

work="$(mktemp -d /tmp/yiwang-test.XXXXXX)"
chmod 755 "$work"
pg_dir="$work/pg"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  if [ -f "$pg_dir/data/postmaster.pid" ]; then
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
# count_ctest LOG: adds the totals of a ctest summary line.
count_ctest() {
  local line total bad
  line=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$1" | tail -1 || true)
  [ -z "$line" ] && { failed=$((failed + 1)); return; }
  bad=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$line")
  total=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/' <<<"$line")
  passed=$((passed + total - bad))
  failed=$((failed + bad))
}

# --- PostgreSQL 15 on a loopback port --------------------------------------
start_postgres() {
  yw_log "starting PostgreSQL 15 in $pg_dir"
  mkdir -p "$pg_dir"
  chown postgres:postgres "$pg_dir"
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$pg_dir/data" -U postgres \
    --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  export YIWANG_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
  export YIWANG_TEST_REQUIRE_PG=1
}

run_ctest() {  # run_ctest BUILD_DIR LABEL
  local log="$work/ctest-$2.log"
  yw_log "unit and integration tests ($2)"
  set +e
  (cd "$1" && ctest --output-on-failure -j2 --timeout 300) 2>&1 | tee "$log"
  set -e
  count_ctest "$log"
}

start_postgres

# --- 1. Release build, unit + integration on both engines ------------------
yw_build "$YW_ROOT/build/release" Release
run_ctest "$YW_ROOT/build/release" release

# --- 2. Browser tests --------------------------------------------------------
yw_log "browser tests"
e2e_data="$work/e2e"
bin="$YW_ROOT/build/release/yiwang"
# The tests sign in with the one-time passwords that init and demo print
# (kept readable by this user only).
(umask 077 && "$bin" --data-dir "$e2e_data" init >"$work/init.out")
(umask 077 && "$bin" --data-dir "$e2e_data" demo >"$work/demo.out" 2>"$work/demo.err")
export YIWANG_E2E_INIT_OUT="$work/init.out" YIWANG_E2E_DEMO_OUT="$work/demo.out"
YIWANG_LISTEN_INTERNET=127.0.0.1:0 YIWANG_LISTEN_INTRANET=127.0.0.1:0 YIWANG_LISTEN_EXCHANGE=127.0.0.1:0 \
  YIWANG_LOG_ACCESS_LOG=off "$bin" --lang en --data-dir "$e2e_data" serve >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 1 100); do
  [ "$(grep -c 'http://' "$work/serve.out" 2>/dev/null || true)" -ge 3 ] && break
  sleep 0.1
done
export YIWANG_E2E_INTERNET=$(grep -oE 'Internet zone \(portal\): http://[0-9.:]+' "$work/serve.out" | grep -oE 'http://.*')
export YIWANG_E2E_INTRANET=$(grep -oE 'Intranet zone \(office workbench\): http://[0-9.:]+' "$work/serve.out" | grep -oE 'http://.*')
export YIWANG_E2E_EXCHANGE=$(grep -oE 'Exchange zone: http://[0-9.:]+' "$work/serve.out" | grep -oE 'http://.*')
set +e
(cd "$YW_ROOT" && node --test --test-reporter=spec tests/e2e/) 2>&1 | tee "$work/e2e.log"
set -e
e2e_pass=$(grep -E "^ℹ pass [0-9]+" "$work/e2e.log" | grep -oE "[0-9]+" | tail -1 || echo 0)
e2e_fail=$(grep -E "^ℹ fail [0-9]+" "$work/e2e.log" | grep -oE "[0-9]+" | tail -1 || echo 1)
passed=$((passed + ${e2e_pass:-0}))
failed=$((failed + ${e2e_fail:-1}))
kill -TERM "$server_pid"
wait "$server_pid" || { echo "yiwang serve did not stop cleanly on SIGTERM" >&2; failed=$((failed + 1)); }
server_pid=""

# --- 3. Sanitizers -----------------------------------------------------------
if [ "${YW_SKIP_ASAN:-0}" != 1 ]; then
  yw_build "$YW_ROOT/build/asan" Debug -DYIWANG_SANITIZE=ON -DYIWANG_BENCH=OFF
  ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$YW_ROOT/scripts/lsan.supp:print_suppressions=0" \
    UBSAN_OPTIONS=print_stacktrace=1 run_ctest "$YW_ROOT/build/asan" asan
fi

# --- 4. Fuzzing --------------------------------------------------------------
if [ "${YW_SKIP_FUZZ:-0}" != 1 ]; then
  CC=clang-16 CXX=clang++-16 YW_BUILD_TARGETS="form_urlencoded_fuzz multipart_fuzz rich_text_fuzz" \
    yw_build "$YW_ROOT/build/fuzz" RelWithDebInfo -DYIWANG_FUZZ=ON -DYIWANG_TESTS=OFF -DYIWANG_BENCH=OFF
  for target in form_urlencoded_fuzz multipart_fuzz rich_text_fuzz; do
    yw_log "fuzzing $target for ${YW_FUZZ_SECONDS:-60} s"
    corpus="$work/corpus-$target"
    mkdir -p "$corpus"
    cp "$YW_ROOT/fuzz/corpus/$target/"* "$corpus/" 2>/dev/null || true
    if "$YW_ROOT/build/fuzz/fuzz/$target" -max_total_time="${YW_FUZZ_SECONDS:-60}" -print_final_stats=1 \
         "$corpus" >"$work/$target.log" 2>&1; then
      passed=$((passed + 1))
      grep -E "stat::number_of_executed_units" "$work/$target.log" || true
    else
      tail -40 "$work/$target.log"
      failed=$((failed + 1))
    fi
  done
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
