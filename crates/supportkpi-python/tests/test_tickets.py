"""Several dimensions, filters and the per-ticket table, with values worked by hand."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List

import pandas as pd  # type: ignore[import-untyped,unused-ignore]
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pytest

import supportkpi as sk

UTC = timezone.utc


def four() -> Dict[str, Any]:
    """Four June tickets (FRT 10, 20, 30, 40 min) and a CSAT response on A (5) and C (1)."""
    tickets = pa.table(
        {
            "id": ["A", "B", "C", "D"],
            "created_at": [f"2021-06-28T{h:02}:00:00Z" for h in (9, 10, 11, 12)],
            "first_response_at": [
                "2021-06-28T09:10:00Z",
                "2021-06-28T10:20:00Z",
                "2021-06-28T11:30:00Z",
                "2021-06-28T12:40:00Z",
            ],
            "channel": ["email", "web", "chat", "email"],
            "priority": ["high", "low", "high", "high"],
            "team": ["billing", "billing", "support", "billing"],
        }
    )
    surveys = pa.table(
        {
            "id": ["S1", "S2"],
            "ticket_id": ["A", "C"],
            "responded_at": ["2021-06-29T09:00:00Z", "2021-06-29T09:00:00Z"],
            "kind": ["csat", "csat"],
            "score": [5, 1],
        }
    )
    return {"tickets": tickets, "surveys": surveys}


def test_by_several_dimensions() -> None:
    r = sk.report(**four(), by=["team", "priority"])
    rows = [(d["dimension"], d["tickets_created"], d["frt_mean_s"]) for d in r.to_dicts()]
    assert rows == [
        (None, 4, 1500.0),
        ("billing / high", 2, 1500.0),
        ("billing / low", 1, 1200.0),
        ("support / high", 1, 1800.0),
    ]


def test_where_keeps_matching_tickets_and_their_surveys() -> None:
    r = sk.report(**four(), where={"channel": ["email", "web"], "priority": "high"})
    total = r.to_dicts()[0]
    # A and D: FRT (10 + 40) / 2 min; A's survey follows it, C's does not.
    assert (total["tickets_created"], total["frt_mean_s"]) == (2, 1500.0)
    assert (total["csat_n"], total["csat_pct"]) == (1, 100.0)


def test_unknown_fields_list_the_known_ones() -> None:
    for kwargs in ({"by": "tema"}, {"by": ["team", "prio"]}, {"where": {"chanel": "email"}}):
        with pytest.raises(sk.InvalidOptionError, match="known fields are channel, priority"):
            sk.report(**four(), **kwargs)
    with pytest.raises(TypeError):
        sk.report(**four(), where=["channel=email"])  # type: ignore[arg-type]


def test_ticket_metrics() -> None:
    t = sk.ticket_metrics(**four(), where={"team": "billing"})
    assert len(t) == 3
    assert list(t.columns[:4]) == ["ticket_id", "channel", "priority", "team"]
    rows: List[Dict[str, Any]] = t.to_dicts()
    assert [r["ticket_id"] for r in rows] == ["A", "B", "D"]
    a = rows[0]
    assert a["created_at"] == datetime(2021, 6, 28, 9, tzinfo=UTC)
    assert (a["frt_s"], a["resolution_s"], a["csat_score"]) == (600, None, 5)
    # Open at the end of June: 2 days 15 hours old.
    assert (a["open_at_end"], a["age_s"]) == (True, 226800)
    assert t.to_csv().splitlines()[1].startswith("A,email,high,billing,")

    arrow = pa.table(t.to_arrow())
    assert arrow.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert arrow.schema.field("frt_s").type == pa.int64()
    assert arrow.schema.field("open_at_end").type == pa.bool_()
    assert arrow.column("frt_s").to_pylist() == [600, 1200, 2400]

    df = t.to_pandas()
    assert str(df["frt_s"].dtype) == "Int64"
    assert df["age_s"].tolist() == [226800, 223200, 216000]
    assert str(df["created_at"].dtype) == "datetime64[ns, UTC]"
    assert pd.isna(df["resolution_s"][0])

    pdf = t.to_polars()
    assert pdf["ticket_id"].to_list() == ["A", "B", "D"]
    assert pdf.schema["frt_s"] == pl.Int64

    # The report is the table aggregated: A, B, D's FRT mean.
    r = sk.report(**four(), where={"team": "billing"})
    assert r.to_dicts()[0]["frt_mean_s"] == sum(x["frt_s"] for x in rows) / 3
    assert "TicketMetrics: 3 tickets" in repr(t)


def test_a_kept_column_named_like_a_column_of_the_table(tmp_path: Any) -> None:
    """A helpdesk export whose extra columns are named like the table's: the table's own
    columns keep their names, each kept column is ``<name>_dimension``, so polars takes the
    table and no dict loses a value (the ticket id is T-1, not the export's HD-1)."""
    path = tmp_path / "export.csv"
    path.write_text(
        "id,created_at,first_response_at,first_responder,frt_s,status,ticket_id,reopens\n"
        "T-1,2021-06-28T09:00:00Z,2021-06-28T09:30:00Z,ann,12,open,HD-1,0\n"
        "T-2,2021-06-28T10:00:00Z,,,,pending,HD-2,2\n"
    )
    t = sk.ticket_metrics(tickets=path, keep_extra_columns=True)
    assert len(set(t.columns)) == len(t.columns) == 37
    assert list(t.columns[9:14]) == [
        "segment",
        "first_responder_dimension",
        "frt_s_dimension",
        "ticket_id_dimension",
        "created_at",
    ]
    names = ["ticket_id", "ticket_id_dimension", "frt_s", "frt_s_dimension"]
    names += ["first_responder", "first_responder_dimension", "status", "reopens"]
    want = [
        ("T-1", "HD-1", 1800, "12", None, "ann", "open", 0),
        ("T-2", "HD-2", None, None, None, None, "pending", 2),
    ]
    assert [tuple(r[c] for c in names) for r in t.to_dicts()] == want

    df = t.to_polars()
    assert df.columns == list(t.columns)
    assert [tuple(r[c] for c in names) for r in df.to_dicts()] == want
    assert (df.schema["frt_s"], df.schema["frt_s_dimension"]) == (pl.Int64, pl.String)

    pdf = t.to_pandas()
    assert list(pdf.columns) == list(t.columns)
    assert str(pdf["frt_s"].dtype) == "Int64"
    assert pdf["ticket_id"].tolist() == ["T-1", "T-2"]
    assert pdf["ticket_id_dimension"].tolist() == ["HD-1", "HD-2"]

    header = t.to_csv().splitlines()[0].split(",")
    assert header == list(t.columns)
    arrow = pa.table(t.to_arrow())
    assert arrow.column_names == list(t.columns)
    assert arrow.column("frt_s_dimension").to_pylist() == ["12", None]

    # ``where`` names the dimension as the export does.
    kept = sk.ticket_metrics(tickets=path, keep_extra_columns=True, where={"frt_s": "12"})
    assert [r["ticket_id"] for r in kept.to_dicts()] == ["T-1"]


def test_agents_from_an_event_log(tmp_path: Any) -> None:
    """The assignee changes after the first reply: ``first_responder`` credits the agent who
    replied, ``solver`` the one who solved, ``assignee`` stays the last assignment."""
    path = tmp_path / "events.csv"
    path.write_text(
        "ticket_id,at,kind,author,public,to,agent\n"
        "A,2021-06-28T09:00:00Z,created,,,,\n"
        "A,2021-06-28T09:05:00Z,assigned,,,ann,\n"
        "A,2021-06-28T09:30:00Z,reply,agent,true,,ann\n"
        "A,2021-06-28T10:00:00Z,assigned,,,bob,\n"
        "A,2021-06-28T12:00:00Z,status_change,,,solved,bob\n"
        "B,2021-06-28T10:00:00Z,created,,,,\n"
        "B,2021-06-28T10:00:00Z,assigned,,,bob,\n"
        "B,2021-06-28T11:00:00Z,reply,agent,true,,ann\n"
        "C,2021-06-28T11:00:00Z,created,,,,\n"
        "C,2021-06-28T11:00:00Z,assigned,,,bob,\n"
        "C,2021-06-28T11:20:00Z,reply,agent,true,,bob\n"
    )
    assert sk.read_events(path)[2]["agent"] == "ann"
    t = sk.ticket_metrics(events=path)
    agents = [(r["ticket_id"], r["assignee"], r["first_responder"], r["solver"]) for r in t.to_dicts()]
    assert agents == [("A", "bob", "ann", "bob"), ("B", "bob", "ann", None), ("C", "bob", "bob", None)]
    # Per agent: ann answered A (30 min) and B (60 min), bob answered C (20 min).
    r = sk.report(events=path, by="first_responder")
    rows = [(d["dimension"], d["tickets_created"], d["frt_mean_s"]) for d in r.to_dicts()]
    assert rows == [(None, 3, 2200.0), ("ann", 2, 2700.0), ("bob", 1, 1200.0)]
    # By assignee, bob holds all three.
    r = sk.report(events=path, by="assignee")
    assert [(d["dimension"], d["tickets_created"]) for d in r.to_dicts()] == [(None, 3), ("bob", 3)]
