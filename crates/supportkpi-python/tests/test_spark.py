"""supportkpi.spark on a local Spark (local[2]): the report equals sk.report value for value,
whatever the input partitioning and the session time zone."""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from typing import Any, Dict, Iterator

import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pytest

import supportkpi as sk
from _engine_data import BYS, KINDS, cases, check_a_field_most_buckets_lack, expected, hard_options, inputs, survey_elsewhere, table, with_twin

pyspark_sql = pytest.importorskip("pyspark.sql", reason="pyspark is not installed (pip install 'supportkpi[spark]')")

# Spark and its Py4J bridge warn about their own deprecations; the package's own warnings stay
# errors everywhere else.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning", "ignore::FutureWarning")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None and not os.environ.get("SUPPORTKPI_REQUIRE_JAVA"):
        pytest.skip("no Java runtime for a local Spark (apt-get install default-jre-headless)")
    # Spark's Python workers must run this interpreter (the one supportkpi is installed in).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("supportkpi-tests")
        # A session zone far from UTC: it must not change a result.
        .config("spark.sql.session.timeZone", "America/New_York")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def frame(spark: Any, t: pa.Table, partitions: int = 4) -> Any:
    # repartition(n) deals rows round-robin: no input partition follows the ticket id.
    return spark.createDataFrame(t).repartition(partitions)


def frames(spark: Any, kind: str, *, typed: bool = False) -> Dict[str, Any]:
    return {name: frame(spark, t) for name, t in inputs(kind, typed=typed).items()}


@pytest.mark.parametrize("kind,buckets", list(cases()))
def test_report_equals_one_process(spark: Any, kind: str, buckets: int) -> None:
    sks = importlib.import_module("supportkpi.spark")
    dfs = frames(spark, kind)
    for by in BYS:
        got = sks.report(**dfs, by=by, period="week", buckets=buckets)
        assert got == expected(kind, by), (kind, buckets, by)


def test_typed_columns_and_the_session_zone(spark: Any) -> None:
    """UTC instants, dates and numbers as Spark types, read under a New York session zone."""
    sks = importlib.import_module("supportkpi.spark")
    for kind in KINDS:
        got = sks.report(**frames(spark, kind, typed=True), by="channel", period="week", buckets=3)
        assert got == expected(kind, "channel", typed=True) == expected(kind, "channel"), kind


def test_partial_states_merge_to_the_report(spark: Any) -> None:
    sks = importlib.import_module("supportkpi.spark")
    states = sks.partial_states(**frames(spark, "summary"), by="segment", period="week", buckets=3)
    assert states.columns == ["bucket", "state"]
    rows = states.collect()
    assert sorted(r["bucket"] for r in rows)[0] == -1
    assert sk.merge([bytes(r["state"]) for r in rows]) == expected("summary", "segment")


def test_a_duplicate_id_in_two_partitions_raises(spark: Any) -> None:
    sks = importlib.import_module("supportkpi.spark")
    first, twin = with_twin(table("tickets", typed=False))
    tickets = frame(spark, first, 2).unionByName(frame(spark, twin, 1))
    for buckets in (1, 3, 8):
        with pytest.raises(sk.DuplicateIdError):
            sks.report(tickets=tickets, buckets=buckets)


def test_a_survey_in_another_partition_meets_its_ticket(spark: Any) -> None:
    sks = importlib.import_module("supportkpi.spark")
    tickets, surveys, whole = survey_elsewhere()
    # Every ticket in one input partition, every response in others.
    got = sks.report(tickets=frame(spark, tickets, 1), surveys=frame(spark, surveys, 3), by="channel", period="week")  # the default bucket count
    assert got == whole
    assert "(none)" not in {r["dimension"] for r in got.to_dicts()}


def test_unknown_option_is_a_type_error(spark: Any) -> None:
    sks = importlib.import_module("supportkpi.spark")
    with pytest.raises(TypeError, match="bogus"):
        sks.report(tickets=frame(spark, table("tickets", typed=False)), bogus=1)



def test_calendar_sla_sketch_and_empty_buckets(spark: Any) -> None:
    """16 buckets (the event log's few tickets leave most of them empty), business hours, SLA
    targets and the quantile sketch."""
    sks = importlib.import_module("supportkpi.spark")
    for kind in KINDS:
        whole = sk.report(**inputs(kind), **hard_options())
        assert sks.report(**frames(spark, kind), buckets=16, **hard_options()) == whole, kind


def test_a_field_most_buckets_lack(spark: Any) -> None:
    """A free-form field on a few tickets, most buckets without it (see _engine_data)."""
    check_a_field_most_buckets_lack(importlib.import_module("supportkpi.spark").report, lambda t: frame(spark, t))
