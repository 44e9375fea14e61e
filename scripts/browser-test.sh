#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium (Debian's `chromium`) opens the demo
# report on a desktop and on a phone width, must log no console message at all (the page has no
# script, and its Content-Security-Policy turns any attempt to fetch something into a console
# error), must have laid out every chart and data point, and leaves screenshots in
# target/browser-test/ for a person to look at.
#
# A control page that logs a console error first proves the check can fail.
# Without chromium the test is skipped with a message (apt-get install chromium).
# The last line is `browser-test: N passed, N failed` (or `... skipped`).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target="${CARGO_TARGET_DIR:-$root/target}"
out="$target/browser-test"

browser=""
for b in chromium chromium-browser; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
  if [ -n "${SUPPORTKPI_REQUIRE_BROWSER:-}" ]; then
    # CI installs chromium; a missing browser there is a failure, not a skip.
    echo "browser-test: 0 passed, 1 failed: chromium is not installed"
    exit 1
  fi
  echo "browser-test: skipped: chromium is not installed (apt-get install chromium)"
  exit 0
fi

mkdir -p "$out"
cargo build --quiet --locked -p supportkpi-cli
bin="$target/debug/supportkpi"

passed=0
failed=0
check() {
  local what=$1
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $what"; fi
}

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# Every flag that could make the browser reach the network or a service is off.
chrome() {
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --disable-extensions --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 "$@"
}
# Console messages, and page errors, as Chromium logs them on stderr.
console_lines() { grep -E 'CONSOLE|Uncaught|Refused to' "$1" || true; }

# The control: a page that logs an error must be caught.
printf '<!doctype html><title>control</title><script>console.error("boom")</script>\n' \
  >"$out/control.html"
chrome --dump-dom "file://$out/control.html" >"$out/control.dom" 2>"$out/control.log" || true
check "the console check catches a console error" \
  test -n "$(console_lines "$out/control.log")"

"$bin" report --demo --format html -o "$out/report.html"
expected_points=$(grep -o ' data-point=""' "$out/report.html" | wc -l)

chrome --dump-dom "file://$out/report.html" >"$out/report.dom" 2>"$out/report.log"
check "the report logs nothing to the console" test -z "$(console_lines "$out/report.log")"
if [ -n "$(console_lines "$out/report.log")" ]; then console_lines "$out/report.log"; fi
check "the browser's DOM has every chart" \
  test "$(grep -o '<svg id="chart-[a-z-]*"' "$out/report.dom" | wc -l)" -eq 10
check "the browser's DOM has every data point ($expected_points)" \
  test "$(grep -o ' data-point=""' "$out/report.dom" | wc -l)" -eq "$expected_points"

# Nothing the page names is fetched from elsewhere: no src or href to another origin.
check "the page references no other origin" \
  test -z "$(grep -Eo '(src|href)="(https?:)?//[^"]*"' "$out/report.dom" || true)"

# The drill-down lists, as the browser laid them out: every ticket listed as an SLA breach
# breached a target in the per-ticket table of the same data and options (supportkpi tickets).
"$bin" tickets --demo --format csv -o "$out/tickets.csv"
drill_check() {
  python3 - "$out/report.dom" "$out/tickets.csv" <<'PY'
import csv, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
rows = {r["ticket_id"]: r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
def listed(drill):
    m = re.search(r'<table data-drill="%s">(.*?)</table>' % drill, dom, re.S)
    if m is None:
        sys.exit("no %s list" % drill)
    return re.findall(r'<tr data-ticket="([^"]+)">', m.group(1))
breaches = listed("drill-sla-breaches")
if not breaches:
    sys.exit("the SLA breach list is empty")
for t in breaches:
    r = rows[t]
    if "breached" not in (r["sla_first_response_status"], r["sla_resolution_status"]):
        sys.exit("%s is listed as a breach but did not breach: %s %s" % (
            t, r["sla_first_response_status"], r["sla_resolution_status"]))
oldest = listed("drill-oldest-open")
if not oldest or any(rows[t]["open_at_end"] != "true" for t in oldest):
    sys.exit("an oldest open ticket is not open at the end")
ages = [int(rows[t]["age_s"]) for t in oldest]
if ages != sorted(ages, reverse=True):
    sys.exit("the oldest open tickets are not oldest first")
print("drill-down: %d breaches, %d oldest open checked" % (len(breaches), len(oldest)))
PY
}
check "a ticket listed as an SLA breach breached (and the oldest open are open)" drill_check

for layout in desktop:1280,2400 phone:390,2400; do
  name=${layout%%:*}
  size=${layout#*:}
  rm -f "$out/report-$name.png"
  chrome --hide-scrollbars --window-size="$size" --screenshot="$out/report-$name.png" \
    "file://$out/report.html" >/dev/null 2>"$out/screenshot-$name.log" || true
  check "a $name screenshot ($size)" test -s "$out/report-$name.png"
done
echo "screenshots: $out/report-desktop.png $out/report-phone.png"

echo "browser-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
