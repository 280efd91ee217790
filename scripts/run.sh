#!/usr/bin/env bash
# Quick start, part 1: installs what is missing, builds, creates a local
# installation in ./var with the demo city, and serves the three zones
# (portal http://127.0.0.1:8080, workbench http://127.0.0.1:8081,
# exchange http://127.0.0.1:8082) until Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

yw_install_packages "${YW_PACKAGES[@]}"
yw_install_npm
YW_BUILD_TARGETS=yiwang yw_build "$YW_ROOT/build/release" Release -DYIWANG_TESTS=OFF -DYIWANG_BENCH=OFF

bin="$YW_ROOT/build/release/yiwang"
data="${YIWANG_DATA_DIR:-$YW_ROOT/var}"
if [ ! -f "$data/yiwang.toml" ]; then
  "$bin" --data-dir "$data" init
fi
"$bin" --data-dir "$data" demo
exec "$bin" --data-dir "$data" serve
