"""The engine-neutral layer under :mod:`supportkpi.spark` and :mod:`supportkpi.dask`.

An engine adapter only moves Arrow batches and states; everything else is here, once:

1. :func:`split` cuts an Arrow table of one input (tickets, events or surveys) into one Arrow
   IPC piece per bucket, by the core's bucket rule (:func:`supportkpi.bucket_of`) on the ticket
   id (a survey response by the ticket id it rates), so a response always meets its ticket and
   a duplicate ticket id always meets its twin, whatever the engine's input partitioning.
2. :func:`bucket_state` turns the pieces of one bucket into its state (:func:`supportkpi.partial`,
   customers and costs given as lookup tables only).
3. :func:`lookup_state` counts customers and costs once; it runs on the driver and checks the
   options before any job starts.
4. :func:`tree_reduce` and :func:`combine_states` combine states in a tree; :func:`finish`
   turns the last state into the :class:`supportkpi.Report`.

Nothing here imports an engine.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, TypeVar

import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

from supportkpi import _native
from supportkpi._report import Report, bucket_of, combine, merge, partial, report

#: The inputs bucketed by ticket id, and the field holding it in each.
BUCKETED: Dict[str, str] = {"tickets": "id", "events": "ticket_id", "surveys": "ticket_id"}
#: The small inputs every bucket gets whole, as lookup tables.
LOOKUPS = ("customers", "costs")


#: The keyword options of :func:`supportkpi.report` the adapters pass through unchanged.
OPTION_NAMES = frozenset(
    name
    for name, p in inspect.signature(report).parameters.items()
    if p.kind is inspect.Parameter.KEYWORD_ONLY
)


def check_options(options: Mapping[str, Any]) -> Dict[str, Any]:
    """The options as ``report`` takes them; a name ``report`` does not take is a TypeError."""
    unknown = sorted(set(options) - OPTION_NAMES)
    if unknown:
        raise TypeError(f"report() got unexpected options {unknown}; it takes {sorted(OPTION_NAMES)}")
    return dict(options)


def check_buckets(buckets: Optional[int], default: Optional[int]) -> int:
    n = default if buckets is None else buckets
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n < 2**32:
        raise ValueError(f"buckets must be an int from 1 to 2**32 - 1, not {buckets!r}")
    return n


def id_column(slot: str, columns: Sequence[str], options: Mapping[str, Any]) -> str:
    """The column holding the ticket id of ``slot``'s rows, read as the readers read it: a
    column ``mapping`` maps to the id field, else the column of that name (or the preset's)."""
    field = BUCKETED[slot]
    mapping = options.get("mapping") or {}
    for column in columns:
        if mapping.get(column, column) == field and not (column in mapping and mapping[column] is None):
            return column
    preset = options.get("preset")
    if isinstance(preset, str):
        # The preset's own id columns, from the core (matched without regard to case, as the
        # preset readers match them).
        known = {c.lower() for c in _native.preset_id_columns(preset)}
        for column in columns:
            if column.lower() in known:
                return column
    raise ValueError(
        f"{slot}: no column holds the ticket id ({field!r}) among {list(columns)}; "
        f"map one with mapping={{'<column>': {field!r}}}"
    )


def bucket_ids(table: pa.Table, slot: str, column: str, buckets: int) -> List[int]:
    """The bucket of each row of one input by the core's rule on its ticket id. A response
    rating no ticket (a null id) may go anywhere: it meets no ticket in any bucket."""
    ids = table.column(column)
    if not (pa.types.is_string(ids.type) or pa.types.is_large_string(ids.type)):
        ids = pc.cast(ids, pa.string())
    if slot == "surveys":
        ids = pc.fill_null(ids, "")
    return bucket_of(ids, buckets)


def split(table: pa.Table, slot: str, column: str, buckets: int) -> List[Optional[bytes]]:
    """One Arrow IPC piece of ``table``'s rows per bucket (``None`` where a bucket gets none)."""
    out: List[Optional[bytes]] = [None] * buckets
    if table.num_rows == 0:
        return out
    which = pa.array(bucket_ids(table, slot, column, buckets), pa.int64())
    for b in pc.unique(which).to_pylist():
        out[b] = to_ipc(table.filter(pc.equal(which, b)))
    return out


def to_ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def from_ipc(piece: bytes) -> pa.Table:
    with pa.ipc.open_stream(pa.py_buffer(piece)) as reader:
        return reader.read_all()


def _concat(pieces: Sequence[bytes]) -> pa.Table:
    # Pieces of one input may differ in type where an engine partition was all null.
    return pa.concat_tables([from_ipc(p) for p in pieces], promote_options="permissive")


def bucket_state(
    pieces: Mapping[str, Sequence[Optional[bytes]]],
    lookups: Mapping[str, Any],
    options: Mapping[str, Any],
) -> Optional[bytes]:
    """The state of one bucket from its pieces per input (``None`` for a bucket with no rows).
    ``lookups`` (customers, costs) only give its tickets their segment: they are counted once,
    in :func:`lookup_state`."""
    present = {slot: [p for p in ps if p is not None] for slot, ps in pieces.items()}
    tables = {slot: _concat(ps) for slot, ps in present.items() if ps}
    tables = {slot: t for slot, t in tables.items() if t.num_rows}
    if not tables:
        return None
    return partial(**tables, **lookups, **options, lookup_only=True)


def lookup_state(lookups: Mapping[str, Any], options: Mapping[str, Any]) -> bytes:
    """The state counting customers and costs (retention, cost per ticket) exactly once; with
    neither, the empty state of these options. Checks the options on the driver."""
    return partial(**lookups, **options)


def combine_states(states: Sequence[Optional[bytes]]) -> Optional[bytes]:
    """``combine`` that skips empty buckets (``None``)."""
    present = [s for s in states if s is not None]
    if len(present) <= 1:
        return present[0] if present else None
    return combine(present)


T = TypeVar("T")


def tree_reduce(items: Sequence[T], combine_: Callable[[List[T]], T], fanout: int = 8) -> T:
    """Combines ``items`` level by level, ``fanout`` at a time; ``combine_`` may build an
    engine's task instead of running (states combine in any tree and order)."""
    level = list(items)
    if not level:
        raise ValueError("tree_reduce of no items")
    while len(level) > 1:
        level = [
            combine_(level[i : i + fanout]) if len(level[i : i + fanout]) > 1 else level[i]
            for i in range(0, len(level), fanout)
        ]
    return level[0]


def finish(state: Optional[bytes]) -> Report:
    assert state is not None, "the lookup state is always present"
    return merge([state])
