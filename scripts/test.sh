#!/usr/bin/env bash
# Every test of the project: Rust (unit, integration, doc), Python (pytest in a virtual
# environment this script creates), C (the library linked statically and dynamically, under
# valgrind when it is installed). Needs only the Rust toolchain, Python 3 with pip and a C compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

step() { printf '\n==> %s\n' "$*"; }

step "Rust: cargo test --workspace"
cargo test --workspace --all-targets --locked
# The C library's docs show C (doctest = false); naming it in `--doc` would make rustdoc
# see two rlibs called `supportkpi` (the core's and the C library's, built for the fuzz crate).
cargo test --workspace --doc --locked --exclude supportkpi-ffi

step "HTML report in headless Chromium (skipped when chromium is not installed)"
"$root/scripts/browser-test.sh"

step "Python: build the module into .venv and run pytest"
venv="$root/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r scripts/requirements-test.txt
(
  # maturin develop installs into the active virtual environment.
  export VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH"
  unset CONDA_PREFIX
  maturin develop --quiet --manifest-path crates/supportkpi-python/Cargo.toml
)
"$venv/bin/python" -m pytest -q -p no:cacheprovider crates/supportkpi-python/tests

step "Benchmarks: supportkpi, polars and DuckDB agree on every shared KPI (10k tickets)"
"$venv/bin/python" benches/compare/compare.py --check-only --tickets 10000 --venv "$venv"

step "C: link the static and the shared library and run the C tests"
cargo build --release --locked -p supportkpi-ffi
"$root/scripts/c-tests.sh"
