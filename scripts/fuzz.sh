#!/usr/bin/env bash
# Runs one fuzz target for a while: scripts/fuzz.sh TARGET [SECONDS] [-- libFuzzer flags]
#
#   scripts/fuzz.sh tickets 300          # five minutes of the canonical tickets reader
#   scripts/fuzz.sh list                 # the targets
#   scripts/fuzz.sh all 60               # every target, one after the other, a minute each
#
# Targets (fuzz/fuzz_targets/, bodies in supportkpi::io::fuzz_entry and
# supportkpi_ffi::fuzz_report_request): tickets, events, surveys, servicenow, csv_presets,
# json_presets, parquet, c_request.
#
# cargo-fuzz needs nightly flags: on a stable toolchain they are unlocked with
# RUSTC_BOOTSTRAP=1 (set here). libFuzzer works in fuzz/corpus-work/TARGET, seeded from the
# committed fuzz/corpus/TARGET; a crash is written to fuzz/artifacts/TARGET/. To keep a find:
# minimise it (cargo fuzz tmin TARGET ARTIFACT), copy it into fuzz/corpus/TARGET/, fix the
# reader, and `cargo test --test it fuzz_corpus` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
export RUSTC_BOOTSTRAP=1
targets=(tickets events surveys servicenow csv_presets json_presets parquet c_request)

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz" >&2
    cargo install cargo-fuzz
fi

target=${1:?usage: scripts/fuzz.sh TARGET|all|list [SECONDS] [-- libFuzzer flags]}
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : $# ))
[[ ${1:-} == -- ]] && shift

run() {
    local t=$1
    shift
    mkdir -p "corpus-work/$t"
    cargo fuzz run -O "$t" "corpus-work/$t" "corpus/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 "$@"
}

case $target in
    list) printf '%s\n' "${targets[@]}" ;;
    all) for t in "${targets[@]}"; do run "$t" "$@"; done ;;
    *) run "$target" "$@" ;;
esac
