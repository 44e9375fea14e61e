#!/usr/bin/env bash
# The CLI's HTML report at a size (default 1M tickets): does the page cost the report plus
# rendering, and nothing more? Times, end to end through the release binary on the same
# generated tickets and surveys:
#   json     read + Report::compute + the JSON writer (rows and sections)
#   json-by  the same, grouped by segment: the report the page renders (the generated
#            customers have segments, so the page breaks its last period down by segment)
#   html     read + Report::compute + the HTML page (rendered from the Report only)
# with the generated customers too, so that every section (revenue retention and the cohort
# matrix included) is in both.
# html - json-by is what the page adds over its report. Each is the median of RUNS runs.
#
#   benches/html.sh [TICKETS] [RUNS]     (builds the release CLI first; BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
tickets=${1:-1000000}
runs=${2:-3}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet -p supportkpi-cli
bin="$target/release/supportkpi"
data="$target/html-bench-$tickets"
if [ ! -f "$data/tickets.csv" ]; then
  "$bin" generate --tickets "$tickets" --no-events --out "$data" >/dev/null
fi
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run() {
  local format=$1
  shift
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$bin" report --tickets "$data/tickets.csv" --surveys "$data/surveys.csv" \
      --customers "$data/customers.csv" --format "$format" "$@" -o "$data/out.$format" 2>/dev/null
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc
  done | median
}
json=$(run json)
json_by=$(run json --by segment)
html=$(run html)
echo "tickets=$tickets runs=$runs load=$(cut -d' ' -f1-3 /proc/loadavg)"
echo "json  (read + report + JSON): ${json} s"
echo "json --by segment (the page's report): ${json_by} s"
echo "html  (read + report + page): ${html} s"
echo "html - json --by segment (the page's own cost): $(echo "$html - $json_by" | bc) s"
