"""The report's sections on the demo data: the values tests/it/sections.rs asserts on the Rust
report (worked out by hand from examples/data/demo), read through the Python door."""

from __future__ import annotations

import json
import pickle
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict

import pytest

import supportkpi as sk

DEMO = Path(__file__).resolve().parents[3] / "examples" / "data" / "demo"


@pytest.fixture(scope="module")
def demo() -> sk.Report:
    return sk.report(
        tickets=str(DEMO / "tickets.csv"),
        surveys=str(DEMO / "surveys.csv"),
        customers=str(DEMO / "customers.csv"),
    )


def test_heatmap_and_spike_days(demo: sk.Report) -> None:
    assert demo.heatmap[0] == [4, 3, 0, 3, 4, 2, 13, 28, 50, 55, 62, 76, 52, 50, 46, 57, 21, 29, 22, 8, 11, 10, 6, 3]
    assert sum(map(sum, demo.heatmap)) == 3000
    assert [(d["date"], d["created"], d["median"]) for d in demo.spike_days] == [
        (date(2023, 5, 29), 34, 7.0),
        (date(2023, 5, 30), 30, 7.0),
    ]


def test_intervals(demo: sk.Report) -> None:
    intervals = demo.intervals
    assert len(intervals) == len(demo)
    jan = intervals[0]
    assert (jan["period_start"], jan["dimension"], jan["csat_n"], jan["nps_n"]) == (date(2023, 1, 1), None, 58, 21)
    # Wilson: 43 of 58; NPS: 8 promoters, 4 detractors of 21.
    assert jan["csat_low_pct"] == pytest.approx(61.6226142352596, abs=1e-9)
    assert jan["csat_high_pct"] == pytest.approx(83.654454795703, abs=1e-9)
    assert jan["nps_low"] == pytest.approx(-12.2401898552933, abs=1e-9)
    assert jan["nps_high"] == pytest.approx(50.3354279505314, abs=1e-9)
    assert jan["undefined"] == {}
    assert demo.rows[0]["csat_n"] == jan["csat_n"]


def test_backlog_ages(demo: sk.Report) -> None:
    ages = demo.backlog_ages
    assert ages is not None
    assert ages["at"] == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert ages["backlog"] == 40
    assert [a["count"] for a in ages["ages"]] == [1, 4, 7, 4, 24]
    assert ages["ages"][-1] == {"min_seconds": 2_592_000, "max_seconds": None, "count": 24}


def test_json_and_pickle_keep_the_sections(demo: sk.Report) -> None:
    sections = json.loads(demo.to_json())["sections"]
    assert sections["heatmap"] == demo.heatmap
    assert sections["backlog_ages"]["backlog"] == 40
    back = pickle.loads(pickle.dumps(demo))
    assert back == demo
    assert back.intervals == demo.intervals


def test_undefined_intervals_say_why() -> None:
    r = sk.report(tickets=str(DEMO / "tickets.csv"))
    first = r.intervals[0]
    assert (first["csat_low_pct"], first["nps_high"]) == (None, None)
    assert first["undefined"]["csat_low_pct"] == "no CSAT responses"


def test_revenue_retention(demo: sk.Report) -> None:
    rr = demo.revenue_retention
    assert len(rr) == 12
    # January 2023: 85 customers with revenue on Jan 1, 2 churned in January.
    jan, aug, dec = rr[0], rr[7], rr[11]
    assert (jan["period_start"], jan["period_end"]) == (date(2023, 1, 1), date(2023, 2, 1))
    assert (jan["n"], jan["churned"], jan["currency"]) == (85, 2, "USD")
    assert (jan["start_revenue"], jan["end_revenue"]) == (Decimal("86376.76"), Decimal("79949.23"))
    assert round(jan["grr_pct"], 4) == Decimal("92.5587") == round(jan["nrr_pct"], 4)
    assert (aug["n"], aug["churned"], aug["start_revenue"], aug["end_revenue"]) == (
        92,
        9,
        Decimal("100336.97"),
        Decimal("94414.93"),
    )
    assert round(aug["grr_pct"], 4) == Decimal("94.0978")
    assert (dec["n"], dec["churned"], round(dec["nrr_pct"], 4)) == (89, 1, Decimal("99.9197"))
    assert all(r["undefined"] == {} for r in rr)


def test_cohorts(demo: sk.Report) -> None:
    cohorts = demo.cohorts
    assert [c["cohort_start"].month for c in cohorts] == [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12]
    assert (cohorts[0]["size"], cohorts[0]["active"]) == (2, [2] * 12)
    assert (cohorts[1]["size"], cohorts[1]["active"]) == (3, [3] * 6 + [2] * 5)
    assert (cohorts[3]["size"], cohorts[3]["active"]) == (4, [4, 4, 4, 4, 3, 3, 3, 3, 3])
    assert (cohorts[8]["size"], cohorts[8]["active"]) == (3, [2, 2, 2])
    assert (cohorts[10]["size"], cohorts[10]["active"]) == (6, [6])
    assert cohorts[1]["share_pct"][6] == pytest.approx(200 / 3)


def test_without_customers_the_revenue_sections_are_empty() -> None:
    r = sk.report(tickets=str(DEMO / "tickets.csv"))
    assert (r.revenue_retention, r.cohorts) == ([], [])


def test_only_the_selected_sections(demo: sk.Report) -> None:
    inputs: Dict[str, Any] = dict(
        tickets=str(DEMO / "tickets.csv"),
        surveys=str(DEMO / "surveys.csv"),
        customers=str(DEMO / "customers.csv"),
    )
    some = sk.report(**inputs, sections=["backlog_ages", "cohorts"])
    assert some.rows == demo.rows
    # The selected ones as in the full report (40 open tickets, 11 cohorts)...
    assert some.backlog_ages == demo.backlog_ages
    assert some.backlog_ages is not None and some.backlog_ages["backlog"] == 40
    assert some.cohorts == demo.cohorts and len(some.cohorts) == 11
    # ...the others empty.
    assert some.intervals == [] and some.spike_days == [] and some.revenue_retention == []
    assert some.drill_down is None and demo.drill_down is not None
    assert some.heatmap == [[0] * 24] * 7
    # Through partial states too, which keep the selection.
    state = sk.partial(**inputs, sections=["backlog_ages", "cohorts"])
    assert sk.merge([state]) == some
    with pytest.raises(sk.IncompatibleMergeError):
        sk.combine([state, sk.partial(**inputs)])
    with pytest.raises(sk.InvalidOptionError, match="heatmap.*revenue_retention|revenue_retention.*heatmap"):
        sk.report(**inputs, sections=["heatmap"])
    with pytest.raises(TypeError):
        sk.report(**inputs, sections="cohorts")


def test_drill_down(demo: sk.Report) -> None:
    # The values tests/it/sections.rs works out from the CSV's instants (no SLA: no breaches).
    d = demo.drill_down
    assert d is not None
    assert (d["top"], len(d["periods"])) == (20, 12)
    assert d["open_at"] == datetime(2024, 1, 1, tzinfo=timezone.utc)
    open_ = d["oldest_open"]
    assert open_["n"] == 40 and len(open_["tickets"]) == 20
    assert [(t["ticket_id"], t["seconds"]) for t in open_["tickets"][:2]] == [
        ("T-00000222", 28_721_392),
        ("T-00000360", 27_105_912),
    ]
    dec = d["periods"][11]
    assert (dec["period_start"], dec["period_end"]) == (date(2023, 12, 1), date(2024, 1, 1))
    frt = dec["slowest_first_responses"]
    assert frt["n"] == 230
    assert frt["tickets"][0] == {
        "ticket_id": "T-00002831",
        "channel": "email",
        "priority": "high",
        "team": "tier1",
        "created_at": datetime(2023, 12, 8, 10, 10, 19, tzinfo=timezone.utc),
        "seconds": 252_730,
        "at": datetime(2023, 12, 11, 8, 22, 29, tzinfo=timezone.utc),
        "targets": [],
    }
    res = dec["slowest_resolutions"]
    assert (res["n"], res["tickets"][0]["ticket_id"], res["tickets"][0]["seconds"]) == (248, "T-00002335", 4_201_246)
    assert dec["sla_breaches"] == {"n": 0, "tickets": []}
    # n is the row's n.
    assert frt["n"] == demo.rows[11]["frt_n"] and res["n"] == demo.rows[11]["resolution_n"]
    # K from the options; the JSON and a pickle keep the section.
    three = sk.report(tickets=str(DEMO / "tickets.csv"), options={"drill_down_top": 3})
    d3 = three.drill_down
    assert d3 is not None and d3["top"] == 3
    assert d3["periods"][11]["slowest_first_responses"]["tickets"] == frt["tickets"][:3]
    assert d3["periods"][11]["slowest_first_responses"]["n"] == 230
    assert json.loads(demo.to_json())["sections"]["drill_down"]["oldest_open"]["n"] == 40
    assert pickle.loads(pickle.dumps(demo)).drill_down == d
    with pytest.raises(sk.InvalidOptionError, match="drill_down_top"):
        sk.report(tickets=str(DEMO / "tickets.csv"), options={"drill_down_top": 5000})
