#!/usr/bin/env bash
# The main job on the bundled sample data.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet --release --locked --example quickstart
