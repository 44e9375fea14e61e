"""supportkpi.dask on a local Dask cluster of two workers: the report equals sk.report value for
value, whatever the input partitioning."""

from __future__ import annotations

import importlib
from typing import Any, Dict, Iterator

import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pytest

import supportkpi as sk
from _engine_data import BYS, KINDS, cases, check_a_field_most_buckets_lack, expected, hard_options, inputs, survey_elsewhere, table, with_twin

dd = pytest.importorskip("dask.dataframe", reason="dask is not installed (pip install 'supportkpi[dask]')")
distributed = pytest.importorskip("distributed", reason="distributed is not installed (pip install 'supportkpi[dask]')")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning", "ignore::FutureWarning")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    # Threads, not processes: the same two-worker scheduling and shuffling of tasks, without
    # forking interpreters on a busy machine.
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def frame(t: pa.Table, partitions: int = 4) -> Any:
    # The rows are shuffled (see _engine_data.table): no partition follows the ticket id.
    return dd.from_pandas(t.to_pandas(), npartitions=partitions, sort=False)


def frames(kind: str, *, typed: bool = False) -> Dict[str, Any]:
    return {name: frame(t) for name, t in inputs(kind, typed=typed).items()}


@pytest.mark.parametrize("kind,buckets", list(cases()))
def test_report_equals_one_process(client: Any, kind: str, buckets: int) -> None:
    skd = importlib.import_module("supportkpi.dask")
    dfs = frames(kind)
    for by in BYS:
        got = skd.report(**dfs, by=by, period="week", buckets=buckets)
        assert got == expected(kind, by), (kind, buckets, by)


def test_typed_columns(client: Any) -> None:
    skd = importlib.import_module("supportkpi.dask")
    for kind in KINDS:
        got = skd.report(**frames(kind, typed=True), by="channel", period="week", buckets=3)
        assert got == expected(kind, "channel", typed=True) == expected(kind, "channel"), kind


def test_a_duplicate_id_in_two_partitions_raises(client: Any) -> None:
    skd = importlib.import_module("supportkpi.dask")
    first, twin = with_twin(table("tickets", typed=False))
    tickets = dd.concat([frame(first, 2), frame(twin, 1)])
    assert tickets.npartitions == 3
    for buckets in (1, 3, 8):
        with pytest.raises(sk.DuplicateIdError):
            skd.report(tickets=tickets, buckets=buckets)


def test_a_survey_in_another_partition_meets_its_ticket(client: Any) -> None:
    skd = importlib.import_module("supportkpi.dask")
    tickets, surveys, whole = survey_elsewhere()
    got = skd.report(tickets=frame(tickets, 1), surveys=frame(surveys, 3), by="channel", period="week")  # the default bucket count
    assert got == whole
    assert "(none)" not in {r["dimension"] for r in got.to_dicts()}


def test_calendar_sla_sketch_and_empty_buckets(client: Any) -> None:
    """16 buckets (the event log's few tickets leave most of them empty), business hours, SLA
    targets and the quantile sketch."""
    skd = importlib.import_module("supportkpi.dask")
    for kind in KINDS:
        whole = sk.report(**inputs(kind), **hard_options())
        assert skd.report(**frames(kind), buckets=16, **hard_options()) == whole, kind


def test_a_field_most_buckets_lack(client: Any) -> None:
    """A free-form field on a few tickets, most buckets without it (see _engine_data)."""
    check_a_field_most_buckets_lack(importlib.import_module("supportkpi.dask").report, frame)
