"""The report over Dask DataFrames (``pip install 'supportkpi[dask]'``).

>>> import dask.dataframe as dd
>>> import supportkpi.dask as skd
>>> rep = skd.report(tickets=dd.read_parquet("tickets/"), by="channel", buckets=16)  # doctest: +SKIP

Each partition of each input is cut into one Arrow piece per bucket by the core's bucket rule
on the ticket id (a survey response by the ticket id it rates); each bucket's task gets its
pieces from every partition and makes its state, with customers and costs as lookup tables;
the states are combined in a tree of tasks and only the last one travels to the client. Runs
on whatever scheduler is active (a ``distributed.Client`` or the local one).
"""

from __future__ import annotations

import importlib
from typing import Any, Dict, List, Optional

import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

from supportkpi import _engine
from supportkpi._report import Report


def _arrow(pdf: Any) -> pa.Table:
    return pa.Table.from_pandas(pdf, preserve_index=False)


def _cut(pdf: Any, slot: str, column: str, buckets: int) -> tuple[Optional[bytes], ...]:
    return tuple(_engine.split(_arrow(pdf), slot, column, buckets))


def _lookup(source: Any) -> Any:
    if hasattr(source, "compute") and hasattr(source, "npartitions"):
        return _arrow(source.compute())
    return source


def _states(
    tickets: Any, events: Any, surveys: Any, customers: Any, costs: Any, buckets: Optional[int], options: Dict[str, Any]
) -> Any:
    dask = importlib.import_module("dask")
    delayed = dask.delayed
    opts = _engine.check_options(options)
    inputs = [(slot, df) for slot, df in (("tickets", tickets), ("events", events), ("surveys", surveys)) if df is not None]
    n = _engine.check_buckets(buckets, max([1] + [df.npartitions for _, df in inputs]))
    lookups = {slot: _lookup(s) for slot, s in (("customers", customers), ("costs", costs)) if s is not None}
    once = _engine.lookup_state(lookups, opts)

    # cut[slot][p][b]: the piece of bucket b from partition p of that input.
    cut: Dict[str, List[Any]] = {}
    for slot, df in inputs:
        column = _engine.id_column(slot, list(df.columns), opts)
        cut[slot] = [delayed(_cut, nout=n, pure=True)(part, slot, column, n) for part in df.to_delayed()]
    states: List[Any] = [once]
    for b in range(n):
        pieces = {slot: [parts[b] for parts in by_partition] for slot, by_partition in cut.items()}
        states.append(delayed(_engine.bucket_state, pure=True)(pieces, lookups, opts))
    return states, delayed


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
    """The report of :func:`supportkpi.report` over Dask DataFrames, equal to it value for
    value.

    Args:
        tickets, events, surveys: Dask DataFrames; their rows are re-bucketed by ticket id
            whatever their partitioning.
        customers, costs: Dask DataFrames (or anything ``sk.report`` takes), computed once and
            given to every bucket as lookup tables.
        buckets: how many states to make (default: the largest input's partition count).
        options: the keyword options of :func:`supportkpi.report`.
    """
    states, delayed = _states(tickets, events, surveys, customers, costs, buckets, options)
    root = _engine.tree_reduce(states, delayed(_engine.combine_states, pure=True))
    state = root.compute() if hasattr(root, "compute") else root
    return _engine.finish(state)
