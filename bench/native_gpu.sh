#!/usr/bin/env bash
# bench_native on a machine with a GPU (the device tool's), from binaries built here, since that
# machine has no network and may lack a Vulkan loader:
#   cargo build --release --features webgpu --bin bench_native   (native wgpu)
#   bench/native_gpu.sh prepare     copies the binary and this machine's libvulkan.so.1 into
#                                   bench/native/ (gitignored; carry it)
#   bench/native_gpu.sh             on the GPU machine: the wgpu and flex figures, as JSON in
#                                   $OUT (or bench/results/) and printed
set -euo pipefail
cd "$(dirname "$0")/.."
HERE=bench/native
if [[ "${1:-}" == prepare ]]; then
  mkdir -p "$HERE"
  cp "${CARGO_TARGET_DIR:-$HOME/.cache/webgan/dev-target}/release/bench_native" "$HERE/"
  loader="$(ldconfig -p | awk '/libvulkan.so.1 /{print $NF; exit}')"
  if [[ -z "$loader" ]]; then
    echo "no libvulkan.so.1 here: apt-get install libvulkan1, then prepare again" >&2
    exit 1
  fi
  cp -L "$loader" "$HERE/libvulkan.so.1"
  ls -l "$HERE"
  exit 0
fi
out="${OUT:-bench/results}"
stamp="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
# The GPU machine's own loader first, ours where it has none.
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$PWD/$HERE"
"$HERE/bench_native" --backend wgpu --json "$out/$stamp-native-wgpu.json"
"$HERE/bench_native" --backend flex --json "$out/$stamp-native-flex.json"
