"""The data and the one-process reports the engine tests compare against."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pyarrow.csv as pacsv  # type: ignore[import-untyped,unused-ignore]
import pytest

import supportkpi as sk

DATA = Path(__file__).resolve().parents[3] / "examples" / "data"

#: What each case gives: summary tickets with customers and costs, or an event log.
KINDS = {
    "summary": ("tickets", "surveys", "customers", "costs"),
    "events": ("events", "surveys", "customers"),
}
BYS: Tuple[Optional[str], ...] = (None, "channel", "segment")


def table(name: str, *, typed: bool) -> pa.Table:
    """An example input, typed as pyarrow infers it (UTC instants, dates, numbers) or all
    strings, its rows shuffled so no input partition follows the ticket id."""
    path = DATA / f"{name}.csv"
    if typed:
        t = pacsv.read_csv(path)
    else:
        header = path.read_text().splitlines()[0].split(",")
        t = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in header}))
    order = list(range(t.num_rows))
    random.Random(15).shuffle(order)
    return t.take(pa.array(order))


def inputs(kind: str, *, typed: bool = False) -> Dict[str, pa.Table]:
    return {name: table(name, typed=typed) for name in KINDS[kind]}


def expected(kind: str, by: Optional[str], *, typed: bool = False) -> sk.Report:
    return sk.report(**inputs(kind, typed=typed), by=by, period="week")


def cases() -> Iterator[Tuple[str, int]]:
    for kind in KINDS:
        for buckets in (1, 3, 8):
            yield kind, buckets


def with_twin(tickets: pa.Table) -> List[pa.Table]:
    """The tickets in one input partition and a copy of one of them in another."""
    return [tickets, tickets.slice(7, 1)]


def survey_elsewhere() -> Tuple[pa.Table, pa.Table, Any]:
    """A ticket on the phone channel and its survey response, meant for different input
    partitions: the report must count the response under "phone", never under "(none)"."""
    tickets = table("tickets", typed=False)
    surveys = table("surveys", typed=False)
    return tickets, surveys, sk.report(tickets=tickets, surveys=surveys, by="channel", period="week")


def hard_options() -> Dict[str, Any]:
    """Business hours, SLA targets and the quantile sketch: every option a bucket must carry."""
    return dict(
        calendar=sk.BusinessCalendar(timezone="UTC", hours="Mon-Fri 10:00-18:00"),
        sla={"first_response": {"high": 3600, "default": 86400}, "resolution": {"default": 172800}},
        options={"quantiles": {"sketch": {"relative_accuracy": 0.01}}},
        by="priority",
        period="week",
    )


def with_plan(tickets: pa.Table) -> pa.Table:
    """The tickets with a free-form ``plan`` on every seventh of them: most buckets' tickets
    carry none, and the customers' and costs' state carries no ticket at all."""
    plans = [("pro" if i % 14 == 0 else "free") if i % 7 == 0 else None for i in range(tickets.num_rows)]
    return tickets.append_column("plan", pa.array(plans, pa.string()))


#: A filter on the sparse ``plan`` and a combination naming it.
SPARSE_OPTIONS: Dict[str, Any] = dict(
    keep_extra_columns=True, where={"plan": ["pro", "free"]}, by=["plan", "channel"], period="week"
)


def check_a_field_most_buckets_lack(engine_report: Callable[..., sk.Report], frame: Callable[[pa.Table], Any]) -> None:
    """An engine's report with a free-form field on a few tickets: the buckets without it and
    the customers' state still take the filter and the combination naming it (the field is
    checked once the states are merged), and a name no ticket carries is refused as by
    ``sk.report``. ``frame`` turns an Arrow table into the engine's data frame."""
    whole = inputs("summary")
    whole["tickets"] = with_plan(whole["tickets"])
    expect = sk.report(**whole, **SPARSE_OPTIONS)
    rows = expect.to_dicts()
    assert {r["dimension"].split(" / ")[0] for r in rows if r["dimension"] is not None} == {"pro", "free"}
    # Every seventh of the 120 tickets has a plan: 18.
    assert whole["tickets"].num_rows == 120
    assert sum(r["tickets_created"] for r in rows if r["dimension"] is None) == 18
    dfs = {name: frame(t) for name, t in whole.items()}
    for buckets in (1, 3, 8):
        assert engine_report(**dfs, buckets=buckets, **SPARSE_OPTIONS) == expect, buckets
    for bad in (dict(where={"plna": "pro"}), dict(by=["plna", "channel"]), dict(by="plna")):
        with pytest.raises(sk.InvalidOptionError, match="plna"):
            sk.report(**whole, keep_extra_columns=True, **bad)
        with pytest.raises(sk.InvalidOptionError, match="plna"):
            engine_report(**dfs, buckets=3, keep_extra_columns=True, **bad)
