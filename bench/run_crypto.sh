#!/usr/bin/env bash
# SM2 sign and verify per second through crypto/ (bench/crypto_bench), side by
# side with `openssl speed sm2` on the same machine in one run; and SM3, HMAC-SM3
# and SM4-CTR against their `openssl speed` counterparts, plus sealed data
# (crypto/sealed.hpp), which has none. Target (see bench/README.md): SM2 sign and
# verify at >= 0.90x OpenSSL's own rate.
#
# Usage: bench/run_crypto.sh [BUILD_DIR]      (default build/release)
#
# What is compared (OpenSSL 3.0 apps/speed.c):
#   SM2  openssl: EVP_DigestSignInit + EVP_DigestSign (verify: ...VerifyInit +
#        EVP_DigestVerify) with SM3 over a 20-byte message: Z and e = SM3(Z || M)
#        are computed in every operation. yiwang: PrivateKey::sign /
#        PublicKey::verify on a 20-byte message, which do the same (DER signature).
#   SM3 1 KiB, HMAC-SM3 64 B, SM4-CTR 1 KiB: `openssl speed -bytes N -evp sm3 |
#        -hmac sm3 | -evp sm4-ctr`. For information only, and not quite like for
#        like: openssl's HMAC loop keeps its key set up between calls, and its
#        SM4-CTR loop only calls EVP_EncryptUpdate on one context, while yiwang's
#        hmac_sm3 and sm4_ctr set up key and context on every call.
#   Both sides divide by CPU time of the measuring process (openssl speed's
#   default: user time; Google Benchmark's CPU time). ELAPSED=1 divides both by
#   wall-clock time instead (openssl speed -elapsed).
#
# The two are run alternately in short measurements, REPEAT times: first the
# SM2 pairs back to back (openssl first in odd repetitions, yiwang first in even
# ones), then the other cases. Short, interleaved measurements because this is a
# VM: the host slows a vCPU down now and then for seconds at a time, which no
# counter inside the guest shows (steal time stays 0), so one long measurement
# per side can land one side in a slow spell. The table shows, for each side,
# the median and the best of the repetitions and their spread ((max - min) /
# median); the ratio is the median of the per-repetition ratios (the verdict),
# and, as a cross-check, the ratio of the bests (a slow spell only ever makes
# a side slower, so the best is the least disturbed figure). Every
# measured command is wrapped in /proc/stat readings: CPU used by anything else
# on the machine while it ran is reported, and a measurement during which it
# exceeded 5 % of one CPU is marked disturbed (the table's last column counts
# the repetitions in which neither side of a row was disturbed).
#
# Environment:
#   DURATION (1)   seconds per measurement (openssl -seconds, --benchmark_min_time)
#   REPEAT (9)     repetitions
#   ELAPSED=1      wall-clock instead of CPU time for both
#   SM2_ONLY=1     skip SM3, HMAC-SM3, SM4-CTR, sealed data and the extra SM2 cases
#   OPENSSL (openssl)  the openssl command
#   KEEP_TMP=1     keep the raw outputs
#
# Exit status: 0 when every measurement ran (whatever the ratios); non-zero
# when the setup fails (no build directory, build failure, a command failed).
set -euo pipefail

DURATION="${DURATION:-1}"
REPEAT="${REPEAT:-9}"
ELAPSED="${ELAPSED:-0}"
SM2_ONLY="${SM2_ONLY:-0}"
OPENSSL="${OPENSSL:-openssl}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-build/release}"
[[ "$BUILD" == /* ]] || BUILD="$ROOT/$BUILD"
BENCH="$BUILD/bench/crypto_bench"

die() {
  echo "run_crypto.sh: $*" >&2
  exit 2
}

for tool in "$OPENSSL" python3 /usr/bin/time getconf; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool"
done
[[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a whole number of seconds"
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "REPEAT must be a positive whole number"

if [[ ! -x "$BENCH" ]]; then
  [[ -f "$BUILD/build.ninja" ]] || die "no build tree at $BUILD: configure it first (cmake -S . -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=Release -DYIWANG_BENCH=ON)"
  echo "building $BENCH ..." >&2
  ninja -C "$BUILD" crypto_bench >&2 || die "build failed"
fi
[[ -x "$BENCH" ]] || die "no crypto_bench at $BENCH"
if ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release' "$BUILD/CMakeCache.txt" 2>/dev/null; then
  echo "run_crypto.sh: warning: $BUILD is not a Release build" >&2
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/yiwang-crypto.XXXXXX")"
cleanup() {
  if [[ "${KEEP_TMP:-0}" == 1 ]]; then
    echo "raw outputs kept in $TMP" >&2
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT

HZ="$(getconf CLK_TCK)"
busy_ticks() {  # user + nice + system + irq + softirq, all CPUs (no idle, iowait, steal)
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat
}

# measure NAME CMD...: runs CMD with stdout to $TMP/NAME.out, and records in
# $TMP/NAME.cpu: "<own CPU-s> <machine busy CPU-s> <wall s>".
measure() {
  local name="$1"
  shift
  local b0 b1 t0 t1
  b0="$(busy_ticks)"
  t0="$(date +%s.%N)"
  if ! /usr/bin/time -f '%U %S' -o "$TMP/$name.time" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"; then
    cat "$TMP/$name.err" >&2
    die "failed: $*"
  fi
  t1="$(date +%s.%N)"
  b1="$(busy_ticks)"
  awk -v b0="$b0" -v b1="$b1" -v hz="$HZ" -v t0="$t0" -v t1="$t1" \
    'END { print $1 + $2, (b1 - b0) / hz, t1 - t0 }' "$TMP/$name.time" >"$TMP/$name.cpu"
}

OSSL_TIME=()
[[ "$ELAPSED" == 1 ]] && OSSL_TIME=(-elapsed)
BENCH_ARGS=(--benchmark_min_time="$DURATION" --benchmark_format=json)

echo "== machine"
echo "nproc: $(nproc); CPU: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
echo "$("$OPENSSL" version); crypto_bench: $BENCH"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "time base: $([[ "$ELAPSED" == 1 ]] && echo "wall clock (ELAPSED=1)" || echo "CPU time of the measuring process")"
echo "DURATION=${DURATION}s per measurement, REPEAT=$REPEAT"
echo

for ((rep = 1; rep <= REPEAT; rep++)); do
  # openssl first in odd repetitions, yiwang first in even ones
  for side in $( ((rep % 2)) && echo "ossl yw" || echo "yw ossl"); do
    if [[ "$side" == ossl ]]; then
      echo "SM2 $rep/$REPEAT: openssl speed sm2 ..." >&2
      measure "ossl_sm2.$rep" "$OPENSSL" speed -mr "${OSSL_TIME[@]}" -seconds "$DURATION" sm2
    else
      echo "SM2 $rep/$REPEAT: crypto_bench ..." >&2
      measure "yw_sm2.$rep" "$BENCH" --benchmark_filter='^BM_Sm2(Sign|Verify)$' "${BENCH_ARGS[@]}"
    fi
  done
done
if [[ "$SM2_ONLY" != 1 ]]; then
  for ((rep = 1; rep <= REPEAT; rep++)); do
    echo "other cases $rep/$REPEAT: openssl speed sm3, hmac sm3, sm4-ctr; crypto_bench ..." >&2
    measure "ossl_sm3.$rep" "$OPENSSL" speed -mr "${OSSL_TIME[@]}" -seconds "$DURATION" -bytes 1024 -evp sm3
    measure "ossl_hmac.$rep" "$OPENSSL" speed -mr "${OSSL_TIME[@]}" -seconds "$DURATION" -bytes 64 -hmac sm3
    measure "ossl_sm4.$rep" "$OPENSSL" speed -mr "${OSSL_TIME[@]}" -seconds "$DURATION" -bytes 1024 -evp sm4-ctr
    measure "yw_other.$rep" "$BENCH" \
      --benchmark_filter='^BM_(Sm2(Sign|Verify)Digest|Sm2(Sign|Verify)/real_time/threads:2|Sm3_1KiB|Sm4Ctr_1KiB|HmacSm3_64B|Seal_64B|Open_64B)$' \
      "${BENCH_ARGS[@]}"
  done
fi

python3 - "$TMP" "$REPEAT" "$ELAPSED" "$SM2_ONLY" <<'PY'
import json, statistics, sys

tmp, repeat, elapsed, sm2_only = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4] == "1"
TARGET = 0.90
UNIT = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def openssl_rates(name):
    """ops/s from `openssl speed -mr`: +F7 (SM2 sign/s, verify/s) or +F (bytes/s, one size)."""
    out = {}
    for line in open(f"{tmp}/{name}.out"):
        f = line.strip().split(":")
        if f[0] == "+F7":
            out["sign"], out["verify"] = float(f[4]), float(f[5])
        elif f[0] == "+F":
            out["bytes_per_s"] = float(f[3])
    return out


def bench_rates(name):
    """ops/s per benchmark from Google Benchmark's JSON."""
    try:
        doc = json.load(open(f"{tmp}/{name}.out"))
    except ValueError:
        sys.exit(f"run_crypto.sh: no benchmark output in {name} (is crypto_bench up to date?)")
    out = {}
    for b in doc["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
            continue
        if b.get("threads", 1) > 1:
            out[b["name"]] = b["items_per_second"]  # wall time, both threads together
            continue
        t = (b["real_time"] if elapsed else b["cpu_time"]) * UNIT[b["time_unit"]]
        out[b["name"]] = 1.0 / t
    return out


def disturbance(name):
    own, busy, wall = (float(x) for x in open(f"{tmp}/{name}.cpu").read().split())
    other = max(0.0, busy - own)
    return other / wall if wall > 0 else 0.0  # in CPUs


rows = [  # label, openssl (file, key, divisor), yiwang benchmark name, compared to target
    ("SM2 sign, 20 B message (Z + e + sign)", ("ossl_sm2", "sign", 1), ("yw_sm2", "BM_Sm2Sign"), True),
    ("SM2 verify, 20 B message (Z + e + verify)", ("ossl_sm2", "verify", 1), ("yw_sm2", "BM_Sm2Verify"), True),
]
if not sm2_only:
    rows += [
        ("SM3, 1 KiB", ("ossl_sm3", "bytes_per_s", 1024), ("yw_other", "BM_Sm3_1KiB"), False),
        ("HMAC-SM3, 64 B", ("ossl_hmac", "bytes_per_s", 64), ("yw_other", "BM_HmacSm3_64B"), False),
        ("SM4-CTR, 1 KiB", ("ossl_sm4", "bytes_per_s", 1024), ("yw_other", "BM_Sm4Ctr_1KiB"), False),
        ("seal, 64 B (SM4-CTR + HMAC-SM3)", None, ("yw_other", "BM_Seal_64B"), False),
        ("open, 64 B", None, ("yw_other", "BM_Open_64B"), False),
        ("SM2 sign of a precomputed e", None, ("yw_other", "BM_Sm2SignDigest"), False),
        ("SM2 verify of a precomputed e", None, ("yw_other", "BM_Sm2VerifyDigest"), False),
        ("SM2 sign, 2 threads (wall, both)", None, ("yw_other", "BM_Sm2Sign/real_time/threads:2"), False),
        ("SM2 verify, 2 threads (wall, both)", None, ("yw_other", "BM_Sm2Verify/real_time/threads:2"), False),
    ]

files = sorted({r[1][0] for r in rows if r[1]} | {r[2][0] for r in rows})
per_rep = []
for rep in range(1, repeat + 1):
    o = {f: openssl_rates(f"{f}.{rep}") for f in files if f.startswith("ossl_")}
    y = {f: bench_rates(f"{f}.{rep}") for f in files if f.startswith("yw_")}
    d = {f: disturbance(f"{f}.{rep}") for f in files}
    per_rep.append((o, y, d))
    for label, ossl, yw, _ in rows:
        if ossl and ossl[1] not in o[ossl[0]]:
            sys.exit(f"run_crypto.sh: no openssl figure for {label} in {ossl[0]}.{rep}")
        if yw[1] not in y[yw[0]]:
            sys.exit(f"run_crypto.sh: no {yw[1]} in {yw[0]}.{rep} (is crypto_bench up to date?)")


def fmt(x):
    return f"{x:,.0f}".replace(",", " ") if x >= 100 else f"{x:.1f}"


def spread(xs):
    return f"{(max(xs) - min(xs)) / statistics.median(xs) * 100:.0f} %"


LIMIT = 0.05  # CPUs used by others during a measurement above which it is disturbed


def row_disturbance(r, ossl, yw):
    o, y, d = r
    return max(d[yw[0]], d[ossl[0]] if ossl else 0.0)


print("== per repetition (ops/s; other = CPUs used by other processes during the measurements)")
for i, r in enumerate(per_rep, 1):
    o, y, d = r
    parts = []
    for label, ossl, yw, _ in rows[:2]:
        a = o[ossl[0]][ossl[1]] / ossl[2]
        b = y[yw[0]][yw[1]]
        parts.append(f"{label.split(',')[0]}: openssl {fmt(a)}, yiwang {fmt(b)} ({b / a:.2f})")
    sm2 = max(row_disturbance(r, ossl, yw) for _, ossl, yw, _ in rows[:2])
    line = f"  {i}: " + "; ".join(parts)
    line += f"; other {sm2:.2f} CPU, {'DISTURBED' if sm2 > LIMIT else 'undisturbed'}"
    if len(rows) > 2:
        rest = max(row_disturbance(r, ossl, yw) for _, ossl, yw, _ in rows[2:])
        line += f"; other cases: other {rest:.2f} CPU, {'DISTURBED' if rest > LIMIT else 'undisturbed'}"
    print(line)
print()

print(f"== {repeat} repetitions ({'wall clock' if elapsed else 'CPU time'}): median and best of each side, spread ="
      " (max - min) / median; ratio = median of the per-repetition ratios (the verdict), best = ratio of the bests")
w = max(len(r[0]) for r in rows)
print(f"{'':<{w}}  {'openssl ops/s':^29}  {'yiwang ops/s':^29}  {'yiwang/openssl':^14}")
print(f"{'operation':<{w}}  {'median':>9} {'best':>9} {'spread':>9}  {'median':>9} {'best':>9} {'spread':>9}"
      f"  {'ratio':>6} {'best':>7}  {'>= 0.90':>7}  undisturbed")
below = []
for label, ossl, yw, target in rows:
    ys = [r[1][yw[0]][yw[1]] for r in per_rep]
    ym = statistics.median(ys)
    quiet = sum(1 for r in per_rep if row_disturbance(r, ossl, yw) <= LIMIT)
    tail = f"{quiet}/{repeat}"
    if ossl:
        os_ = [r[0][ossl[0]][ossl[1]] / ossl[2] for r in per_rep]
        om = statistics.median(os_)
        ratio = statistics.median([b / a for a, b in zip(os_, ys)])
        verdict = ("yes" if ratio >= TARGET else "NO") if target else "(info)"
        if target and ratio < TARGET:
            below.append(label)
        best = max(ys) / max(os_)
        print(f"{label:<{w}}  {fmt(om):>9} {fmt(max(os_)):>9} {spread(os_):>9}  {fmt(ym):>9} {fmt(max(ys)):>9}"
              f" {spread(ys):>9}  {ratio:>6.2f} {best:>7.2f}  {verdict:>7}  {tail}")
    else:
        print(f"{label:<{w}}  {'-':>9} {'':>9} {'':>9}  {fmt(ym):>9} {fmt(max(ys)):>9} {spread(ys):>9}"
              f"  {'-':>6} {'':>7}  {'':>7}  {tail}")
print()
sm2_quiet = all(row_disturbance(r, ossl, yw) <= LIMIT for r in per_rep for _, ossl, yw, _ in rows[:2])
all_quiet = all(row_disturbance(r, ossl, yw) <= LIMIT for r in per_rep for _, ossl, yw, _ in rows)
if not sm2_quiet:
    print("WARNING: the SM2 figures are DISTURBED (other processes used more than 5 % of a CPU"
          " during a measurement): rerun on an idle machine.")
elif not all_quiet:
    print("Note: the SM2 figures are undisturbed; some of the other rows are disturbed (see the last column).")
else:
    print("All measurements undisturbed.")
if below:
    print(f"BELOW TARGET: SM2 {' and '.join(l.split(',')[0].split()[-1] for l in below)} under {TARGET:.2f}x openssl speed.")
else:
    print(f"TARGET MET: SM2 sign and verify at >= {TARGET:.2f}x openssl speed.")
PY
