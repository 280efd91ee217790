#!/usr/bin/env bash
# HTTP throughput of a page of the Internet zone (the rendered portal home
# page by default; URL_PATH for another one), against nginx serving the same
# bytes as a static file.
#
# Starts `yiwang serve` (Release build, demo data, access log on) and nginx
# (its own config in a temporary directory, access log on, keep-alive on) on
# loopback, runs wrk against both with the same parameters (nginx first, then
# yiwang), and prints requests/s, p50/p99 latency, the page size and the ratio
# yiwang/nginx. Target (see bench/README.md): ratio >= 0.70.
#
# Environment:
#   THREADS (2)  CONNECTIONS (64)  DURATION (15, seconds)  WARMUP (3, seconds)
#   URL_PATH     (/) the path to measure on both servers, e.g. /services or
#                /api/v1/services/items/SF-QYKB-0001 (no query string); nginx
#                serves yiwang's bytes from the same path, with yiwang's media type
#   YIWANG_BIN   (build/release/yiwang; built with ninja when missing)
#   NGINX_BIN    (/usr/sbin/nginx)
#   NGINX_REUSEPORT=1  add `reuseport` to nginx's listen (one accept queue per
#                worker, as yiwang has one per I/O thread); off by default
#   NGINX_LOG_BUFFER=64k  buffer nginx's access log (yiwang's is buffered by
#                spdlog/stdio); unbuffered, one write per request, by default
#   BYPASS_CACHE=1  send yiwang a (unknown) session cookie, so each request
#                misses the page cache: session look-up plus a full render.
#                The body is the same; the default measures the cached path.
#   ARTICLES=N   after the demo city, import N generated articles
#                (bench/generate_articles.mjs) — the portal's pages with a full site
#   KEEP_TMP=1   keep the temporary directory (logs, configs) for inspection
#
# Exit status: 0 when both runs completed (whatever the ratio); non-zero on a
# setup failure (build, start-up, fetch, wrk).
set -euo pipefail

THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-3}"
NGINX_BIN="${NGINX_BIN:-/usr/sbin/nginx}"
URL_PATH="${URL_PATH:-/}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
YIWANG_BIN="${YIWANG_BIN:-$ROOT/build/release/yiwang}"

die() {
  echo "run_wrk.sh: $*" >&2
  exit 2
}

[[ "$URL_PATH" == /* && "$URL_PATH" != *[?#]* && "$URL_PATH" != *..* ]] ||
  die "URL_PATH must be a path starting with / without a query string or '..': $URL_PATH"

for tool in wrk curl python3 "$NGINX_BIN"; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool"
done

# --- the Release binary ------------------------------------------------------
# A build running now (ours or someone else's) would both change the binary
# under us and steal CPU from the measurement: wait for it.
wait_for_builds() {
  local waited=0
  while pgrep -x ninja >/dev/null 2>&1; do
    if ((waited % 30 == 0)); then
      echo "waiting for a running ninja build to finish (${waited}s so far)..." >&2
    fi
    sleep 5
    waited=$((waited + 5))
  done
}
wait_for_builds
if [[ ! -x "$YIWANG_BIN" && "$YIWANG_BIN" == "$ROOT/build/release/yiwang" ]]; then
  [[ -d "$ROOT/build/release" ]] || die "no build/release: configure it first (cmake -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release)"
  echo "building $YIWANG_BIN ..." >&2
  ninja -C "$ROOT/build/release" yiwang >&2 || die "build failed"
fi
[[ -x "$YIWANG_BIN" ]] || die "no binary at $YIWANG_BIN"

# --- temporary directory and clean-up ---------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/yiwang-wrk.XXXXXX")"
YIWANG_PID=""
NGINX_PID=""
WRK_PID=""

stop_pid() {  # stop_pid PID NAME: TERM, wait up to 10 s, then KILL
  local pid="$1" name="$2" i
  [[ -n "$pid" ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "run_wrk.sh: $name ($pid) did not stop, killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  set +e
  stop_pid "$WRK_PID" wrk
  if [[ -n "$NGINX_PID" ]]; then
    # The master stops its workers on TERM; remember them in case it cannot.
    local workers
    workers="$(pgrep -P "$NGINX_PID" 2>/dev/null | tr '\n' ' ')"
    stop_pid "$NGINX_PID" nginx
    for w in $workers; do
      kill -0 "$w" 2>/dev/null && kill -KILL "$w" 2>/dev/null
    done
  fi
  stop_pid "$YIWANG_PID" yiwang
  if [[ "${KEEP_TMP:-0}" == 1 ]]; then
    echo "kept $TMP" >&2
  else
    rm -rf "$TMP"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Waits until URL answers 200, while PID is alive.
wait_http() {
  local url="$1" pid="$2" name="$3" i
  for ((i = 0; i < 200; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    if curl --noproxy '*' -s -o /dev/null -w '%{http_code}' "$url" 2>/dev/null | grep -qx 200; then
      return 0
    fi
    sleep 0.05
  done
  echo "run_wrk.sh: $name did not answer 200 at $url" >&2
  return 1
}

# --- yiwang -------------------------------------------------------------------
DATA="$TMP/data"
"$YIWANG_BIN" --lang en --data-dir "$DATA" init >"$TMP/init.log" 2>&1 ||
  { cat "$TMP/init.log" >&2; die "yiwang init failed"; }
"$YIWANG_BIN" --lang en --data-dir "$DATA" demo >"$TMP/demo.log" 2>&1 ||
  { cat "$TMP/demo.log" >&2; die "yiwang demo failed"; }
if [[ -n "${ARTICLES:-}" ]]; then
  node "$ROOT/bench/generate_articles.mjs" "$ARTICLES" >"$TMP/articles.jsonl"
  "$YIWANG_BIN" --lang en --data-dir "$DATA" import articles "$TMP/articles.jsonl" \
    >"$TMP/import.log" 2>&1 || { cat "$TMP/import.log" >&2; die "yiwang import articles failed"; }
  # Index them now, so the server's indexer has nothing to catch up during the runs.
  "$YIWANG_BIN" --lang en --data-dir "$DATA" reindex >"$TMP/reindex.log" 2>&1 ||
    { cat "$TMP/reindex.log" >&2; die "yiwang reindex failed"; }
fi

YIWANG_LISTEN_INTERNET=127.0.0.1:0 \
  YIWANG_LISTEN_INTRANET=127.0.0.1:0 \
  YIWANG_LISTEN_EXCHANGE=127.0.0.1:0 \
  YIWANG_LOG_ACCESS_LOG="$TMP/yiwang-access.log" \
  YIWANG_HTTP_SHUTDOWN_GRACE_MS=2000 \
  "$YIWANG_BIN" --lang en --data-dir "$DATA" serve >"$TMP/yiwang.out" 2>"$TMP/yiwang.err" &
YIWANG_PID=$!

YIWANG_PORT=""
for ((i = 0; i < 200; i++)); do
  YIWANG_PORT="$(sed -n 's|^Internet zone (portal): http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' \
    "$TMP/yiwang.out" | head -n1)"
  [[ -n "$YIWANG_PORT" ]] && break
  kill -0 "$YIWANG_PID" 2>/dev/null || break
  sleep 0.05
done
if [[ -z "$YIWANG_PORT" ]]; then
  cat "$TMP/yiwang.out" "$TMP/yiwang.err" >&2
  die "yiwang serve did not report its Internet zone port"
fi
wait_http "http://127.0.0.1:$YIWANG_PORT/" "$YIWANG_PID" yiwang || {
  cat "$TMP/yiwang.err" >&2
  die "yiwang serve is not answering"
}
YIWANG_URL="http://127.0.0.1:$YIWANG_PORT$URL_PATH"

# The exact bytes of the page, for nginx to serve from the same path (a path
# ending in / from its index.html), with the same media type.
WWW="$TMP/www"
PAGE_FILE="$WWW$URL_PATH"
[[ "$URL_PATH" == */ ]] && PAGE_FILE+="index.html"
mkdir -p "$(dirname "$PAGE_FILE")"
curl --noproxy '*' -sS --fail -D "$TMP/yiwang.headers" -o "$PAGE_FILE" "$YIWANG_URL" ||
  die "could not fetch $YIWANG_URL"
PAGE_BYTES="$(wc -c <"$PAGE_FILE")"
((PAGE_BYTES > 0)) || die "empty page at $URL_PATH"
MEDIA_TYPE="$(sed -n 's/^[Cc]ontent-[Tt]ype:[[:space:]]*\([^;[:space:]]*\).*/\1/p' "$TMP/yiwang.headers" | tail -n1)"
[[ "$MEDIA_TYPE" =~ ^[a-z]+/[a-z0-9.+-]+$ ]] || MEDIA_TYPE=text/html

# --- nginx --------------------------------------------------------------------
NGINX_PORT="$(free_port)"
mkdir -p "$TMP/nginx/logs" "$TMP/nginx/tmp"
USER_LINE=""
NGINX_LISTEN_OPTS=""
[[ "${NGINX_REUSEPORT:-0}" == 1 ]] && NGINX_LISTEN_OPTS=" reuseport"
NGINX_LOG_OPTS=""
[[ -n "${NGINX_LOG_BUFFER:-}" ]] && NGINX_LOG_OPTS=" buffer=$NGINX_LOG_BUFFER"
[[ "$(id -u)" == 0 ]] && USER_LINE="user root;"
cat >"$TMP/nginx/nginx.conf" <<EOF
# Generated by bench/run_wrk.sh: nginx serving a saved copy of the portal page.
daemon off;
master_process on;
$USER_LINE
worker_processes auto;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;

events {
  worker_connections 4096;
}

http {
  access_log $TMP/nginx/logs/access.log combined$NGINX_LOG_OPTS;
  client_body_temp_path $TMP/nginx/tmp/client_body;
  proxy_temp_path $TMP/nginx/tmp/proxy;
  fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
  uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
  scgi_temp_path $TMP/nginx/tmp/scgi;

  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  # yiwang puts no limit on requests per connection; neither does nginx here.
  keepalive_requests 1000000;

  server {
    listen 127.0.0.1:$NGINX_PORT$NGINX_LISTEN_OPTS;
    location / {
      root $WWW;
      index index.html;
      default_type $MEDIA_TYPE;
    }
  }
}
EOF
NGINX_ARGS=(-p "$TMP/nginx/" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/logs/error.log")
"$NGINX_BIN" "${NGINX_ARGS[@]}" -t >"$TMP/nginx-t.log" 2>&1 ||
  { cat "$TMP/nginx-t.log" >&2; die "nginx rejected its configuration"; }
"$NGINX_BIN" "${NGINX_ARGS[@]}" >"$TMP/nginx/logs/stdout.log" 2>&1 &
NGINX_PID=$!
NGINX_URL="http://127.0.0.1:$NGINX_PORT$URL_PATH"
wait_http "$NGINX_URL" "$NGINX_PID" nginx || {
  cat "$TMP/nginx/logs/error.log" "$TMP/nginx/logs/stdout.log" >&2 2>/dev/null
  die "nginx is not answering"
}
curl --noproxy '*' -sS --fail -o "$TMP/nginx-copy.html" "$NGINX_URL" || die "could not fetch $NGINX_URL"
cmp -s "$PAGE_FILE" "$TMP/nginx-copy.html" || die "nginx does not serve the same bytes"

# --- measurement --------------------------------------------------------------
WRK_ARGS=(-t"$THREADS" -c"$CONNECTIONS")
YIWANG_WRK_ARGS=()
YIWANG_MODE="page cache"
# Only routes marked cacheable are kept in the page cache (the home page is).
[[ "$URL_PATH" != / ]] && YIWANG_MODE="page cache where the route allows it"
if [[ "${BYPASS_CACHE:-0}" == 1 ]]; then
  YIWANG_WRK_ARGS=(-H "Cookie: yw_session=bench")
  YIWANG_MODE="page cache bypassed: Cookie: yw_session=bench"
  curl --noproxy '*' -sS --fail -H "Cookie: yw_session=bench" -o "$TMP/yiwang-nocache.html" "$YIWANG_URL" ||
    die "could not fetch $YIWANG_URL with a session cookie"
  cmp -s "$PAGE_FILE" "$TMP/yiwang-nocache.html" ||
    die "with a session cookie yiwang answers other bytes; BYPASS_CACHE would not compare like with like"
fi
CLK_TCK="$(getconf CLK_TCK)"

cpu_ticks() {  # user+system clock ticks of a process (all its threads)
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  stat="${stat##*) }"  # fields after "pid (comm) "
  awk '{print $12 + $13}' <<<"$stat"
}
system_busy_ticks() {  # non-idle ticks of all CPUs since boot
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}
# CPU ticks of this shell's finished children (wrk). `times` must run in this
# shell, not in a $(...) subshell: call `times >"$TMP/times.txt"` first.
child_ticks() {
  awk -v hz="$CLK_TCK" 'function s(v, a) { split(v, a, /[ms]/); return a[1] * 60 + a[2] }
    NR == 2 { printf "%.0f", (s($1) + s($2)) * hz }' "$TMP/times.txt"
}
secs() { awk -v t="$1" -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", t / hz }'; }
# The processes that serve: nginx's workers (the master only supervises), or yiwang.
server_pids() {
  if [[ "$1" == nginx ]]; then pgrep -P "$NGINX_PID" | tr '\n' ' '; else echo "$YIWANG_PID"; fi
}

# run_wrk NAME URL: warm up, then measure. Writes $TMP/wrk-NAME.txt and, in
# $TMP/cpu-NAME.txt, the CPU seconds over the measured run of each serving
# process, of wrk, and of everything else on the machine.
run_wrk() {
  local name="$1" url="$2" pids p i before=() cpu="" sys0 sys1 wrk0 wrk1 served=0 t
  local args=("${WRK_ARGS[@]}")
  [[ "$name" == yiwang ]] && args+=("${YIWANG_WRK_ARGS[@]}")
  # wrk runs in the background and is waited for, so that a signal reaches the
  # trap at once rather than after the run.
  wrk "${args[@]}" -d"${WARMUP}s" "$url" >/dev/null 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || die "wrk warm-up against $name failed"
  read -r -a pids <<<"$(server_pids "$name")"
  for p in "${pids[@]}"; do before+=("$(cpu_ticks "$p")"); done
  times >"$TMP/times.txt"
  wrk0="$(child_ticks)"
  sys0="$(system_busy_ticks)"
  wrk "${args[@]}" -d"${DURATION}s" --latency "$url" >"$TMP/wrk-$name.txt" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || { cat "$TMP/wrk-$name.txt" >&2; die "wrk against $name failed"; }
  WRK_PID=""
  sys1="$(system_busy_ticks)"
  times >"$TMP/times.txt"
  wrk1="$(child_ticks)"
  for i in "${!pids[@]}"; do
    t=$(($(cpu_ticks "${pids[$i]}") - before[i]))
    served=$((served + t))
    cpu+="$(secs "$t")+"
  done
  local other=$((sys1 - sys0 - served - (wrk1 - wrk0)))
  ((other < 0)) && other=0
  echo "${cpu%+} $(secs $((wrk1 - wrk0))) $(secs "$other")" >"$TMP/cpu-$name.txt"
}

rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
pct() { awk -v p="$2" '$1 == p {print $2; exit}' "$1"; }
problems() {  # non-2xx/3xx and socket errors, if any
  grep -E 'Non-2xx|Socket errors' "$1" | sed 's/^ */         /' || true
}

curl --noproxy '*' -sS --fail -D "$TMP/nginx.headers" -o /dev/null "$NGINX_URL" ||
  die "could not fetch $NGINX_URL"

if [[ "$URL_PATH" == / ]]; then
  echo "yiwang/nginx throughput: portal home page, ${PAGE_BYTES} bytes of HTML"
else
  echo "yiwang/nginx throughput: GET $URL_PATH, ${PAGE_BYTES} bytes of $MEDIA_TYPE"
fi
echo "  wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION}s --latency (after ${WARMUP}s warm-up);" \
  "$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  nginx  $NGINX_URL  ($("$NGINX_BIN" -v 2>&1 | sed 's/.*: //'), worker_processes auto, access log on${NGINX_LOG_OPTS}${NGINX_LISTEN_OPTS:+,}${NGINX_LISTEN_OPTS})"
echo "  yiwang $YIWANG_URL  ($("$YIWANG_BIN" version 2>/dev/null || echo yiwang), ${YIWANG_BIN#"$ROOT"/}, access log on, $YIWANG_MODE)"
echo

run_wrk nginx "$NGINX_URL"
run_wrk yiwang "$YIWANG_URL"

for name in nginx yiwang; do
  echo "--- wrk against $name"
  sed 's/^/  /' "$TMP/wrk-$name.txt"
done
echo

NGINX_RPS="$(rps "$TMP/wrk-nginx.txt")"
YIWANG_RPS="$(rps "$TMP/wrk-yiwang.txt")"
[[ -n "$NGINX_RPS" && -n "$YIWANG_RPS" ]] || die "could not read Requests/sec from wrk"

# CPU seconds during each measured run: the server's processes, wrk, and
# anything else (another build would show up there and spoil the figures).
printf '%-7s %10s %9s %9s %8s   %-18s %6s %6s\n' server "req/s" p50 p99 headers \
  "server CPU-s" "wrk" other
DISTURBED=""
for name in nginx yiwang; do
  f="$TMP/wrk-$name.txt"
  read -r server_cpu wrk_cpu other_cpu <"$TMP/cpu-$name.txt"
  printf '%-7s %10s %9s %9s %8s   %-18s %6s %6s\n' "$name" "$(rps "$f")" "$(pct "$f" 50%)" \
    "$(pct "$f" 99%)" "$(wc -c <"$TMP/$name.headers")" "$server_cpu" "$wrk_cpu" "$other_cpu"
  problems "$f"
  if awk -v o="$other_cpu" -v d="$DURATION" 'BEGIN { exit !(o > 0.05 * d) }'; then
    DISTURBED+=" $name"
  fi
done
echo "page body: $PAGE_BYTES bytes on both; headers: bytes of the response head as curl got it;"
echo "CPU-s: CPU seconds used during the ${DURATION}s run ($(nproc) CPUs = $((DURATION * $(nproc))) CPU-s available)"
if [[ -n "$DISTURBED" ]]; then
  echo "warning: other processes used CPU during the run against:$DISTURBED; the figures are disturbed"
fi
RATIO="$(awk -v y="$YIWANG_RPS" -v n="$NGINX_RPS" 'BEGIN { printf "%.2f", y / n }')"
if [[ "$URL_PATH" == / ]]; then
  VERDICT="$(awk -v r="$RATIO" 'BEGIN { print (r >= 0.70) ? "meets" : "below" }')"
  echo "ratio yiwang/nginx: $RATIO ($VERDICT the 0.70 target)"
else
  echo "ratio yiwang/nginx: $RATIO (GET $URL_PATH; the 0.70 target is the home page's)"
fi
