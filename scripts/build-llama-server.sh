#!/usr/bin/env bash
# Builds llama.cpp's llama-server from the source node-llama-cpp ships in its npm package
# (node_modules/node-llama-cpp/llama/gitRelease.bundle), offline, once per machine: into the
# user's cache (outside any checkout, so fresh clones and CI runs reuse it), keyed by the
# llama.cpp commit and build flags.
# Idempotent: when a binary built from the same llama.cpp commit with the same flags is there,
# it prints its path and exits at once. Prints the binary's path on stdout as its last line.
#
#   scripts/build-llama-server.sh            # -> ~/.cache/tlr/llama-server/<commit>/bin/llama-server
#   TLR_LLAMA_SERVER_DIR=/opt/ls scripts/build-llama-server.sh
#   JOBS=4 scripts/build-llama-server.sh     # parallel compile jobs (default: CPU count)
#   scripts/build-llama-server.sh --dry-run  # the path if built, else what it would build (stderr)
set -euo pipefail
dry_run=0
[ "${1:-}" = "--dry-run" ] && dry_run=1
root="$(cd "$(dirname "$0")/.." && pwd)"
bundle="$root/node_modules/node-llama-cpp/llama/gitRelease.bundle"
if [ ! -f "$bundle" ]; then
  echo "build-llama-server: $bundle is missing: run npm ci first" >&2
  exit 2
fi
commit="$(git bundle list-heads "$bundle" | awk '$2 == "HEAD" {print $1}')"
dest="${TLR_LLAMA_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tlr/llama-server/${commit:0:12}}"
bin="$dest/bin/llama-server"

# CPU only, no network access at build or run time, no web UI: what the tests and a headless server need.
flags="-DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DBUILD_SHARED_LIBS=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF -DGGML_NATIVE=ON"
stamp="commit=$commit flags=$flags"

if [ -x "$bin" ] && [ "$(cat "$dest/STAMP" 2>/dev/null)" = "$stamp" ]; then
  echo "$bin"
  exit 0
fi
for tool in git cmake c++; do
  command -v "$tool" >/dev/null || { echo "build-llama-server: '$tool' is not installed (needed to build llama-server)" >&2; exit 2; }
done
if [ "$dry_run" = 1 ]; then
  echo "build-llama-server: would build llama-server from llama.cpp ${commit:0:12} into $dest (a few minutes, once)" >&2
  exit 0
fi

mkdir -p "$dest"
# One build at a time per folder (CI and a developer's shell may both ask).
exec 9>"$dest/.lock"
flock 9
if [ -x "$bin" ] && [ "$(cat "$dest/STAMP" 2>/dev/null)" = "$stamp" ]; then
  echo "$bin"
  exit 0
fi

src="$dest/src"
rm -rf "$src" "$dest/build"
echo "build-llama-server: building llama-server from llama.cpp ${commit:0:12} into $dest (a few minutes, once)" >&2
git clone --quiet "$bundle" "$src"
git -C "$src" -c advice.detachedHead=false checkout --quiet "$commit"
# shellcheck disable=SC2086
cmake -S "$src" -B "$dest/build" $flags >"$dest/cmake.log" 2>&1 || { tail -n 30 "$dest/cmake.log" >&2; exit 1; }
jobs="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
cmake --build "$dest/build" --target llama-server -j "$jobs" >"$dest/build.log" 2>&1 || { tail -n 30 "$dest/build.log" >&2; exit 1; }
mkdir -p "$dest/bin"
cp "$dest/build/bin/llama-server" "$bin"
# Keep only the binary: the source tree and objects are ~0.5 GB.
rm -rf "$src" "$dest/build" "$dest/cmake.log" "$dest/build.log"
echo "$stamp" >"$dest/STAMP"
echo "$bin"
