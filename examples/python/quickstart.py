"""supportkpi from Python: a notebook-style walk through the bundled sample data.

Run it after installing the package (``pip install ./crates/supportkpi-python``):

    python examples/python/quickstart.py

Each ``# %%`` cell runs on its own in Jupyter or VS Code. The sample files are read with the
csv module here; the library's own readers (``sk.read_surveys`` and friends) and the one-pass
``sk.report`` will take over those lines when they land.
"""

# %% Setup
from __future__ import annotations

import csv
import statistics
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

import supportkpi as sk

DATA = Path(__file__).resolve().parents[1] / "data"
print(f"supportkpi {sk.__version__}")

# %% Survey responses, split by kind
scores: dict[str, list[int]] = {"csat": [], "nps": [], "ces": []}
with open(DATA / "surveys.csv", newline="") as f:
    for row in csv.DictReader(f):
        scores[row["kind"]].append(int(row["score"]))
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


def instant(text: str) -> Optional[datetime]:
    # fromisoformat only takes a trailing Z from Python 3.11 on
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


frt_calendar: list[float] = []
frt_business: list[float] = []
with open(DATA / "tickets.csv", newline="") as f:
    for row in csv.DictReader(f):
        created, responded = instant(row["created_at"]), instant(row["first_response_at"])
        if created is None or responded is None:
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
