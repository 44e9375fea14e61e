#!/usr/bin/env python3
"""Independent reference figures for tests/it/servicenow.rs.

Pure Python 3 standard library; shares no code with supportkpi. It reads
servicenow_incident_events.csv (beside this script) and prints the figures the
Rust test asserts exactly. Run it from anywhere:

    python3 tests/data/servicenow_reference.py

The rules, written out independently of the library (they restate the
documented rules of supportkpi::model::derive and the conversion in the test):

Rows -> events
  * Rows are grouped by `number`. The first row of an incident contributes
    "created" at its `opened_at`; every row contributes a status change to its
    `incident_state` at its `sys_updated_at`. Timestamps are dd-mm-yyyy HH:MM,
    read as UTC.
  * A status change stamped before `opened_at` (5 rows in this file) is moved
    to `opened_at` (the library's BeforeCreation::Clamp option).
  * An incident's events are taken in file order ("created" first): the
    export lists each incident's updates in the order ServiceNow made them,
    and its timestamps can run backwards within an incident (INC0000137).
    A row stamped before the latest earlier row that changed the incident's
    state is taken at that row's instant (a row repeating the current state
    changes nothing and holds nothing back).

Walk
  * A ticket starts in category "open" at creation (status New), which opens
    its first open interval [created, ...).
  * States: New, Active, Awaiting * are open; Resolved, Closed are resolved.
  * open -> resolved: a resolution at that instant, closes the open interval.
  * resolved -> open: a reopen, opens a new interval at that instant.
  * resolved -> resolved (Resolved -> Closed, Resolved re-saved): nothing.
  * resolution time = latest resolution - created (calendar seconds), for
    tickets whose final state is resolved.
  * backlog at the end of UTC day D = tickets with an open interval
    [a, b) such that a < next midnight and (b is open or b >= next midnight),
    i.e. open just before midnight.
"""

import datetime
import os
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "servicenow_incident_events.csv")

OPEN_STATES = {"New", "Active", "Awaiting User Info", "Awaiting Problem",
               "Awaiting Vendor", "Awaiting Evidence"}
RESOLVED_STATES = {"Resolved", "Closed"}
EPOCH = datetime.datetime(1970, 1, 1)


def parse_minutes(text):
    """dd-mm-yyyy HH:MM (UTC) -> whole seconds since the Unix epoch."""
    day, month, rest = text.split("-")
    year, clock = rest.split(" ")
    hour, minute = clock.split(":")
    moment = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute))
    return int((moment - EPOCH).total_seconds())


def in_source_order(created, rows):
    """File order; a row stamped before the latest state change is taken at it."""
    clock, state, out = created, "New", []
    for at, index, new_state in rows:
        at = max(at, clock)
        if new_state != state:
            clock, state = at, new_state
        out.append((at, index, new_state))
    return out


def day_label(seconds):
    return (EPOCH + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%d")


def main():
    with open(PATH, "rb") as handle:
        text = handle.read().decode("ascii")
    lines = text.split("\r\n")
    assert lines[-1] == "", "file ends with CRLF"
    header = lines[0].split(",")
    col = {name: i for i, name in enumerate(header)}

    incidents = {}   # number -> dict(opened=..., rows=[(seconds, file_index, state)])
    order = []
    states_seen = set()
    reopen_count_column = {}
    resolved_at_column = {}
    for index, line in enumerate(lines[1:-1]):
        cells = line.split(",")
        assert len(cells) == len(header)
        number = cells[col["number"]]
        state = cells[col["incident_state"]]
        states_seen.add(state)
        if number not in incidents:
            incidents[number] = {"opened": parse_minutes(cells[col["opened_at"]]), "rows": []}
            order.append(number)
        incidents[number]["rows"].append(
            (parse_minutes(cells[col["sys_updated_at"]]), index, state))
        reopen_count_column[number] = int(cells[col["reopen_count"]])
        stamp = cells[col["resolved_at"]]
        resolved_at_column[number] = None if stamp == "?" else parse_minutes(stamp)

    clamped_rows = 0
    resolution_seconds = []
    reopens = {}
    intervals = []   # (start, end or None)
    last_instant = 0
    latest_resolution = {}
    first_resolution = {}
    for number in order:
        created = incidents[number]["opened"]
        rows = []
        for at, index, state in incidents[number]["rows"]:
            if at < created:
                clamped_rows += 1
                at = created
            rows.append((at, index, state))
        rows = in_source_order(created, rows)
        is_open = True
        start = created
        count = 0
        resolutions = []
        for at, _, state in rows:
            last_instant = max(last_instant, at)
            if state in RESOLVED_STATES:
                if is_open:
                    resolutions.append(at)
                    intervals.append((start, at))
                    is_open = False
            elif state in OPEN_STATES:
                if not is_open:
                    count += 1
                    start = at
                    is_open = True
            else:
                raise ValueError("unmapped state %r in %s" % (state, number))
        if is_open:
            intervals.append((start, None))
        else:
            resolution_seconds.append(resolutions[-1] - created)
            latest_resolution[number] = resolutions[-1]
        first_resolution[number] = resolutions[0] if resolutions else None
        reopens[number] = count

    n = len(order)
    resolved = len(resolution_seconds)
    total = sum(resolution_seconds)
    mean = Fraction(total, resolved)
    ordered = sorted(resolution_seconds)
    if resolved % 2:
        median = Fraction(ordered[resolved // 2])
    else:
        median = Fraction(ordered[resolved // 2 - 1] + ordered[resolved // 2], 2)

    print("tickets", n)
    print("rows", sum(len(v["rows"]) for v in incidents.values()))
    print("rows_clamped_to_opened_at", clamped_rows)
    print("states_seen", "|".join(sorted(states_seen)))
    print("resolved", resolved)
    print("reopens_total", sum(reopens.values()))
    print("reopens_max", max(reopens.values()))
    print("tickets_zero_reopens", sum(1 for v in reopens.values() if v == 0))
    print("resolution_total_s", total)
    print("resolution_mean_s", "%d/%d" % (mean.numerator, mean.denominator), "=", float(mean))
    print("resolution_median_s", "%d/%d" % (median.numerator, median.denominator), "=", float(median))
    print("resolution_max_s", ordered[-1])
    # Cross-checks against ServiceNow's own columns (reported, not rules).
    print("reopens_equal_reopen_count_column",
          sum(1 for k in order if reopens[k] == reopen_count_column[k]))
    print("reopens_differ_from_column",
          " ".join("%s:%d/%d" % (k, reopens[k], reopen_count_column[k])
                   for k in order if reopens[k] != reopen_count_column[k]))
    print("resolved_at_column_null", sum(1 for k in order if resolved_at_column[k] is None))
    print("resolved_at_column_equals_latest_resolution",
          sum(1 for k in order if resolved_at_column[k] == latest_resolution.get(k)))
    print("resolved_at_column_equals_first_resolution",
          sum(1 for k in order if resolved_at_column[k] == first_resolution[k]))
    print("resolved_at_column_later_than_latest_resolution",
          sum(1 for k in order if resolved_at_column[k] is not None
              and resolved_at_column[k] > latest_resolution[k]))
    print("resolved_at_column_earlier_than_latest_resolution",
          sum(1 for k in order if resolved_at_column[k] is not None
              and resolved_at_column[k] < latest_resolution[k]))

    # Backlog at the end of each UTC day, from the first day through the last
    # day with an event, as runs "first_day last_day backlog".
    first_day = min(start for start, _ in intervals) // 86400
    last_day = last_instant // 86400
    runs = []
    for day in range(first_day, last_day + 1):
        midnight = (day + 1) * 86400
        open_now = sum(1 for start, end in intervals
                       if start < midnight and (end is None or end >= midnight))
        if runs and runs[-1][2] == open_now:
            runs[-1][1] = day
        else:
            runs.append([day, day, open_now])
    print("backlog_days", last_day - first_day + 1)
    for a, b, value in runs:
        print("backlog", day_label(a * 86400), day_label(b * 86400), value)


if __name__ == "__main__":
    main()


# ---------------------------------------------------------------------------
# Durations and first-contact resolution (appended for the ResolutionTime and
# FirstContactResolution tests at the end of tests/it/servicenow.rs).
#
# Same rows -> events, clamping and ordering (file order) as above, re-read here so this
# part stands on its own. Additional rules, restated independently:
#   * Status spans: the ticket is in "New" from creation; a row whose state
#     differs from the current one starts a new span at its instant (a row
#     repeating the current state changes nothing).
#   * Waiting states: "Awaiting User Info", "Awaiting Problem", "Awaiting
#     Vendor", "Awaiting Evidence" (pending / on hold).
#   * Waiting-excluded resolution time = (latest resolution - created) minus
#     the time in waiting states within [created, latest resolution).
#   * First-contact resolution: the ticket ends resolved, has at most one
#     public agent reply (the log has no replies: always 0) and was never
#     reopened. Denominator: every ticket; with the "resolved" option, the
#     tickets that end resolved.

WAITING_STATES = {"Awaiting User Info", "Awaiting Problem", "Awaiting Vendor",
                  "Awaiting Evidence"}


def fraction_text(value):
    return "%d/%d = %r" % (value.numerator, value.denominator, float(value))


def median_of(values):
    ordered = sorted(values)
    n = len(ordered)
    if n % 2:
        return Fraction(ordered[n // 2])
    return Fraction(ordered[n // 2 - 1] + ordered[n // 2], 2)


def durations_and_fcr():
    with open(PATH, "rb") as handle:
        lines = handle.read().decode("ascii").split("\r\n")[1:-1]
    header = open(PATH, "rb").readline().decode("ascii").strip().split(",")
    col = {name: i for i, name in enumerate(header)}
    tickets = {}
    order = []
    for index, line in enumerate(lines):
        cells = line.split(",")
        number = cells[col["number"]]
        if number not in tickets:
            tickets[number] = (parse_minutes(cells[col["opened_at"]]), [])
            order.append(number)
        tickets[number][1].append(
            (parse_minutes(cells[col["sys_updated_at"]]), index, cells[col["incident_state"]]))

    full = []
    waiting_excluded = []
    waiting_total = 0
    resolved = 0
    first_contact = 0
    for number in order:
        created, rows = tickets[number]
        rows = in_source_order(
            created, [(max(at, created), index, state) for at, index, state in rows])
        state, since = "New", created
        spans = []
        is_open, reopens, resolutions = True, 0, []
        for at, _, new_state in rows:
            if new_state != state:
                spans.append((state, since, at))
                state, since = new_state, at
            if new_state in RESOLVED_STATES and is_open:
                resolutions.append(at)
                is_open = False
            elif new_state in OPEN_STATES and not is_open:
                reopens += 1
                is_open = True
        if is_open:
            continue
        resolved += 1
        end = resolutions[-1]
        waited = sum(max(0, min(b, end) - max(a, created))
                     for s, a, b in spans if s in WAITING_STATES)
        waiting_total += waited
        full.append(end - created)
        waiting_excluded.append(end - created - waited)
        public_agent_replies = 0
        if public_agent_replies <= 1 and reopens == 0:
            first_contact += 1

    n = len(order)
    print("fcr_tickets", n)
    print("fcr_resolved", resolved)
    print("fcr_first_contact", first_contact)
    print("fcr_pct_all_tickets", fraction_text(Fraction(100 * first_contact, n)))
    print("fcr_pct_resolved", fraction_text(Fraction(100 * first_contact, resolved)))
    print("resolution_full_total_s", sum(full))
    print("resolution_full_median_s", fraction_text(median_of(full)))
    print("waiting_total_s", waiting_total)
    print("resolution_waiting_excluded_total_s", sum(waiting_excluded))
    print("resolution_waiting_excluded_mean_s",
          fraction_text(Fraction(sum(waiting_excluded), len(waiting_excluded))))
    print("resolution_waiting_excluded_median_s", fraction_text(median_of(waiting_excluded)))
    print("resolution_waiting_excluded_max_s", max(waiting_excluded))
    print("tickets_with_waiting_time", sum(1 for f, w in zip(full, waiting_excluded) if f != w))


if __name__ == "__main__":
    durations_and_fcr()
