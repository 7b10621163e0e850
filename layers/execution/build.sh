#!/usr/bin/env bash
# Builds the Rust execution core's Python bindings (fks_execution, an abi3 wheel for CPython >= 3.11)
# for Lambda's python3.12 on x86_64 or arm64, unpacked as a layer into OUT/python.
#   layers/execution/build.sh x86_64|arm64 OUT
# sam build runs it from layers/core/Makefile for template.yaml's LambdaArchitecture; arm64 is
# cross-compiled with zig (make sam-arm64-check builds it and checks it is aarch64 code).
# maturin and zig come from PyPI into a tools venv of their own (.aws-sam/execution-layer-tools);
# manylinux2014 (glibc 2.17) loads on Amazon Linux 2023.
set -euo pipefail
arch=${1:?usage: build.sh x86_64|arm64 OUT}
out=${2:?usage: build.sh x86_64|arm64 OUT}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
case $arch in
  x86_64) target=x86_64-unknown-linux-gnu ;;
  arm64) target=aarch64-unknown-linux-gnu ;;
  *) echo "build.sh: architecture must be x86_64 or arm64, not $arch" >&2; exit 2 ;;
esac
tools=$root/.aws-sam/execution-layer-tools
# sam build --parallel builds both layers that carry the bindings at once, and maturin stages the
# library in one place in the shared target directory: one build at a time (the second reuses the
# first's compiled crates), and one install of the tools venv.
mkdir -p "$root/.aws-sam"
exec 9>"$root/.aws-sam/execution-layer.lock"
flock 9
if [ ! -x "$tools/bin/maturin" ] || [ ! -x "$tools/bin/python" ]; then
  python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet --disable-pip-version-check "maturin>=1.8,<2" ziglang
fi
if command -v rustup >/dev/null 2>&1; then
  rustup target add "$target" >/dev/null
fi
wheels=$(mktemp -d)
trap 'rm -rf "$wheels"' EXIT
# A target directory of its own: the cross build does not invalidate the workspace's.
PATH="$tools/bin:$PATH" CARGO_TARGET_DIR="$root/rust_lambda/target/execution-layer" \
  maturin build --quiet --release --strip --zig --target "$target" --compatibility manylinux2014 \
  --manifest-path "$root/rust_lambda/crates/fks_execution_py/Cargo.toml" --out "$wheels"
mkdir -p "$out/python"
"$tools/bin/python" -m zipfile -e "$wheels"/*.whl "$out/python"
echo "fks_execution for $arch: $(du -sh "$out/python" | cut -f1) in $out/python"
