"""supportkpi from Python: a notebook-style walk through the bundled sample data.

Run it after installing the package (``pip install ./crates/supportkpi-python``):

    python examples/python/quickstart.py

Each ``# %%`` cell runs on its own in Jupyter or VS Code. The readers take a path or any Arrow
table (pyarrow, polars, pandas); ``sk.report`` computes every KPI per period in one pass.
"""

# %% Setup
from __future__ import annotations

import importlib.util
import statistics
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import supportkpi as sk

DATA = Path(__file__).resolve().parents[1] / "data"
print(f"supportkpi {sk.__version__}")

# %% Survey responses, split by kind
surveys = sk.read_surveys(DATA / "surveys.csv")
print(surveys)
scores: dict[str, list[int]] = {"csat": [], "nps": [], "ces": []}
for response in surveys:
    scores[response["kind"]].append(response["score"])
print({kind: len(s) for kind, s in scores.items()})

# %% NPS: promoters 9-10, detractors 0-6; every result says how many answers it counts (n)
nps = sk.nps(scores["nps"])
print(nps)
if nps.score is not None and nps.ci95 is not None:  # None only when there are no answers
    print(f"NPS {nps.score:+.1f} from {nps.n} answers, 95% CI [{nps.ci95.lower:.1f}, {nps.ci95.upper:.1f}]")

# %% CSAT: share of 4s and 5s on a 1-5 scale (top-2-box), with a Wilson interval
csat = sk.csat(scores["csat"], scale=(1, 5))
print(csat)
print(f"CSAT {csat.score}% ({csat.positive} of {csat.n}), mean {csat.mean}")

# %% CES: effort on 1-5, lower is better; "easy" is 1-2
ces = sk.ces(scores["ces"], scale="effort_1_to_5")
print(ces)
print("distribution:", dict(ces.distribution))

# %% Undefined is None, with the reason, never 0 or NaN
nobody = sk.nps([])
print(nobody.score, "because", nobody.undefined_reasons["score"])

# %% Is the difference between two groups of answers real? A two-sample z-test
first_half, second_half = scores["nps"][: len(scores["nps"]) // 2], scores["nps"][len(scores["nps"]) // 2 :]
diff = sk.nps(second_half).compare(sk.nps(first_half))
print(diff)
if diff.p_value is not None:
    print("significant at 5%" if diff.p_value < 0.05 else "not significant at 5%: collect more answers")

# %% Bad input names the item, the value and the rule
try:
    sk.csat([5, 4, 6])
except sk.ScoreOutOfScaleError as e:
    print(f"{type(e).__name__}: {e}  (index={e.index}, value={e.value})")

# %% Business hours: open seconds between two instants
calendar = sk.BusinessCalendar(
    timezone="Europe/Berlin",
    hours="Mon-Fri 09:00-17:00",
    holidays=["2021-06-24"],
)
print(calendar)


frt_calendar: list[float] = []
frt_business: list[float] = []
for ticket in sk.read_tickets(DATA / "tickets.csv"):
    created, responded = ticket["created_at"], ticket["first_response_at"]
    if responded is None:
        continue
    frt_calendar.append((responded - created).total_seconds())
    frt_business.append(calendar.business_seconds(created, responded))

print(
    f"first response, median over {len(frt_calendar)} answered tickets: "
    f"{statistics.median(frt_calendar) / 3600:.1f} h calendar, "
    f"{statistics.median(frt_business) / 3600:.1f} h business"
)

# %% Datetimes must be timezone-aware: a naive one is an error that says what to do
try:
    calendar.business_seconds(datetime(2021, 6, 28, 9), datetime(2021, 6, 28, 17, tzinfo=timezone.utc))
except sk.InvalidTimestampError as e:
    print(f"{type(e).__name__}: {e}")

# %% The whole report: every KPI per month and channel, in one pass over the files
report = sk.report(
    tickets=DATA / "tickets.csv",
    surveys=DATA / "surveys.csv",
    customers=DATA / "customers.csv",
    costs=DATA / "costs.csv",
    by="channel",
    calendar=calendar,
)
print(report)
june = next(r for r in report.rows if r["dimension"] is None and r["tickets_created"] > 0)
print(
    f"{june['period_start']:%B %Y}: {june['tickets_created']} created, "
    f"{june['tickets_resolved']} resolved, backlog {june['backlog_end']}, "
    f"CSAT {june['csat_pct']:.1f}% (n = {june['csat_n']}), cost per ticket {june['cost_per_ticket']} "
    f"{june['cost_currency']}"
)
# Undefined values are None, with the reason beside them
reasons = report.undefined_reasons(report.rows.index(june))
print("first_contact_resolution_pct:", june["first_contact_resolution_pct"], "-", reasons["first_contact_resolution_pct"])

# %% Read once, report many times: prepare() holds the tables, each report only computes
prepared = sk.prepare(
    tickets=DATA / "tickets.csv",
    surveys=DATA / "surveys.csv",
    customers=DATA / "customers.csv",
    costs=DATA / "costs.csv",
)
print(prepared)
assert prepared.report(by="channel", calendar=calendar) == report
for by in ("priority", "segment"):
    weekly = prepared.report(period="week", by=by)
    print(f"by {by}: {len(weekly)} weekly rows")

# %% As a DataFrame, and Arrow for polars/DuckDB (needs pandas / pyarrow)
if importlib.util.find_spec("pandas") is not None:
    df = report.to_pandas()
    print(df[["period_start", "dimension", "tickets_created", "frt_median_s", "csat_pct"]].to_string())

# %% Lenient reading: keep going past bad rows, and see each one with its line and rule
with tempfile.TemporaryDirectory() as tmp:
    bad = Path(tmp) / "tickets.csv"
    bad.write_text(
        "id,created_at,resolved_at\n"
        "T-1,2021-06-01T08:00:00Z,2021-06-01T09:00:00Z\n"
        "T-2,2021-06-01T08:00:00Z,2021-06-01T07:00:00Z\n"
        "T-3,yesterday,\n"
    )
    lenient = sk.read_tickets(bad, errors="lenient")
print(f"{len(lenient)} accepted + {len(lenient.rejected)} rejected = {lenient.read} read")
for rejected in lenient.rejected:
    print(f"  line {rejected.line}: {type(rejected.error).__name__}: {rejected.error.rule}")

# %% The main trends as a chart (needs matplotlib)
if importlib.util.find_spec("matplotlib") is not None:
    fig = report.plot()
    print(f"plotted {len(fig.axes)} panels")
