"""The report over PySpark DataFrames (``pip install 'supportkpi[spark]'``).

>>> import supportkpi.spark as sks
>>> rep = sks.report(tickets=spark.read.parquet("tickets/"), surveys=spark.read.parquet("surveys/"),
...                  by="channel", buckets=64)  # doctest: +SKIP

Each input's rows are cut by the core's bucket rule on the ticket id (a survey response by the
ticket id it rates) inside ``mapInArrow`` and shuffled by bucket, whatever the DataFrame's own
partitioning, so a response meets its ticket and a duplicate id meets its twin (and raises
:class:`supportkpi.DuplicateIdError`, as one process does). Each bucket's state is made with
``applyInArrow``; customers and costs are small and are collected once and handed to every
bucket as lookup tables. Only the states travel to the driver, where they are combined in a
tree. Timestamps cross as Arrow instants, so the session time zone never changes a result.
"""

from __future__ import annotations

import importlib
import pickle
from typing import Any, Dict, List, Optional

import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

from supportkpi import _engine
from supportkpi._errors import Error
from supportkpi._report import Report

_PIECES = "bucket int, slot string, piece binary"
_STATES = "bucket int, state binary"
# Inside report(), a bucket's input error travels back as a pickled row, so the driver raises
# the same supportkpi exception one process would (not Spark's PythonException wrapper).
_CAUGHT = "bucket int, state binary, error binary"


def _pieces(df: Any, slot: str, buckets: int, options: Dict[str, Any]) -> Any:
    column = _engine.id_column(slot, df.columns, options)

    def cut(batches: Any) -> Any:
        for batch in batches:
            for b, piece in enumerate(_engine.split(pa.Table.from_batches([batch]), slot, column, buckets)):
                if piece is not None:
                    yield pa.RecordBatch.from_pydict(
                        {"bucket": [b], "slot": [slot], "piece": [piece]},
                        schema=pa.schema([("bucket", pa.int32()), ("slot", pa.string()), ("piece", pa.binary())]),
                    )

    return df.mapInArrow(cut, _PIECES)


def _collect(source: Any) -> Any:
    """A lookup input as an Arrow table on the driver (a DataFrame), or as given (a path, a
    table: anything ``sk.report`` takes)."""
    if hasattr(source, "toArrow"):
        return source.toArrow()
    return source


def _parallelism(spark: Any) -> int:
    try:
        return max(1, int(spark.sparkContext.defaultParallelism))
    except Exception:
        # Spark Connect sessions have no SparkContext: the shuffle width is the next best guess.
        return max(1, int(spark.conf.get("spark.sql.shuffle.partitions")))


def partial_states(
    tickets: Any = None,
    events: Any = None,
    surveys: Any = None,
    customers: Any = None,
    costs: Any = None,
    *,
    buckets: Optional[int] = None,
    **options: Any,
) -> Any:
    """A DataFrame of ``(bucket int, state binary)``: one state per non-empty bucket, and the
    state counting customers and costs once as bucket ``-1``. Store them for an incremental
    refresh: ``sk.merge`` of yesterday's states and today's is the report over both.

    Takes the inputs and options of :func:`report`.
    """
    return _states(tickets, events, surveys, customers, costs, buckets, options, caught=False)


def _states(
    tickets: Any,
    events: Any,
    surveys: Any,
    customers: Any,
    costs: Any,
    buckets: Optional[int],
    options: Dict[str, Any],
    *,
    caught: bool,
) -> Any:
    opts = _engine.check_options(options)
    sources = [s for s in (tickets, events, surveys) if s is not None]
    spark = sources[0].sparkSession if sources else None
    if spark is None:
        for s in (customers, costs):
            if hasattr(s, "sparkSession"):
                spark = s.sparkSession
    if spark is None:
        raise TypeError("supportkpi.spark takes at least one PySpark DataFrame")
    n = _engine.check_buckets(buckets, None if buckets is not None else _parallelism(spark))
    lookups = {slot: _collect(s) for slot, s in (("customers", customers), ("costs", costs)) if s is not None}
    once = _engine.lookup_state(lookups, opts)

    parts = [
        _pieces(df, slot, n, opts)
        for slot, df in (("tickets", tickets), ("events", events), ("surveys", surveys))
        if df is not None
    ]
    fields = [("bucket", pa.int32()), ("state", pa.binary())] + [("error", pa.binary())] * caught
    schema = pa.schema(fields)

    def state_of(table: pa.Table) -> pa.Table:
        bucket = table.column("bucket")[0].as_py()
        pieces: Dict[str, List[Optional[bytes]]] = {}
        for slot, piece in zip(table.column("slot").to_pylist(), table.column("piece").to_pylist()):
            pieces.setdefault(slot, []).append(piece)
        row: Dict[str, List[Any]] = {"bucket": [bucket], "state": [None], "error": [None]}
        try:
            row["state"] = [_engine.bucket_state(pieces, lookups, opts)]
        except Error as e:
            if not caught:
                raise
            row["error"] = [pickle.dumps(e)]
        keep = row["state"][0] is not None or row["error"][0] is not None
        return pa.table({name: row[name] * keep for name, _ in fields}, schema=schema)

    out_schema = _CAUGHT if caught else _STATES
    once_df = spark.createDataFrame([(-1, bytearray(once)) + (None,) * caught], out_schema)
    if not parts:
        return once_df
    union = parts[0]
    for p in parts[1:]:
        union = union.unionByName(p)
    functions = importlib.import_module("pyspark.sql.functions")
    states = union.repartition(n, functions.col("bucket")).groupBy("bucket").applyInArrow(state_of, out_schema)
    return states.unionByName(once_df)


def report(
    tickets: Any = None,
    events: Any = None,
    surveys: Any = None,
    customers: Any = None,
    costs: Any = None,
    *,
    buckets: Optional[int] = None,
    **options: Any,
) -> Report:
    """The report of :func:`supportkpi.report` over PySpark DataFrames, equal to it value for
    value.

    Args:
        tickets, events, surveys: DataFrames (any column types the readers accept, typed or
            string); their rows are re-bucketed by ticket id whatever their partitioning.
        customers, costs: DataFrames (or anything ``sk.report`` takes), collected to the driver
            and given to every bucket as lookup tables.
        buckets: how many states to make (default: the context's default parallelism).
        options: the keyword options of :func:`supportkpi.report` (``period``, ``by``, ``sla``,
            ``calendar``, ...).
    """
    rows = _states(tickets, events, surveys, customers, costs, buckets, options, caught=True).collect()
    for r in rows:
        if r["error"] is not None:
            raise pickle.loads(bytes(r["error"]))
    states: List[Optional[bytes]] = [bytes(r["state"]) for r in rows]
    return _engine.finish(_engine.tree_reduce(states, _engine.combine_states))
