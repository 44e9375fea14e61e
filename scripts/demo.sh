#!/usr/bin/env bash
# The main job on the bundled sample data: `supportkpi report --demo` (a synthetic year of a
# B2B SaaS helpdesk, examples/data/demo). Extra arguments go to the command, e.g.
#   ./scripts/demo.sh --format html -o report.html
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet --locked -p supportkpi-cli -- report --demo "$@"
