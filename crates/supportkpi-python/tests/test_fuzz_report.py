"""Junk through the readers, report and merge: a Python exception, never a crash.

Every call returns or raises TypeError, ValueError (sk.Error is one) or an I/O-ish OSError;
a Rust panic would surface as pyo3's PanicException (a BaseException) and fail here.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List

import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pytest

import supportkpi as sk

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "examples" / "data"
UTC = timezone.utc

JUNK: List[Any] = [
    None, "", "no/such/file.csv", b"bytes", 42, 1.5, [], {}, object(), DATA,
    pa.table({}), pa.table({"id": [1, 2]}), pa.table({"x": [[1, 2], [3]]}),
    pa.table({"id": ["A"], "created_at": pa.array([2**62], pa.timestamp("s"))}),
    pa.table({"id": ["A"], "created_at": pa.array([-(2**31)], pa.date32())}),
    pa.table({"id": ["A"], "created_at": [None]}, schema=pa.schema([("id", pa.string()), ("created_at", pa.null())])),
    pa.table({"id": pa.array(["A"]).dictionary_encode(), "created_at": pa.array([1.0e300])}),
    pa.table({"id": [b"\xff"], "created_at": [pa.scalar(1, pa.duration("s")).as_py()]}),
    pa.table({"id": ["A"], "created_at": pa.array([10**30], pa.decimal128(38, 0))}),
    pa.table({"id": ["A"], "created_at": pa.array([2**64 - 1], pa.uint64())}),
]

CELLS = ["", "?", "NULL", "x", "-1", "99999999999999999999", "2021-02-30", "2021-06-01T08:00:00Z",
         "1e400", "\x00", "é", '"', "true", "nps", "csat", "ces", "reply", "agent", "5", "11"]


def safe(call: Callable[[], Any]) -> None:
    try:
        call()
    except (TypeError, ValueError, OSError, IndexError):
        pass


@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_junk_sources(junk: Any) -> None:
    for read in (sk.read_tickets, sk.read_events, sk.read_surveys, sk.read_customers, sk.read_costs):
        safe(lambda: read(junk))
        safe(lambda: read(junk, errors="lenient", preset="servicenow"))
    for slot in ("tickets", "events", "surveys", "customers", "costs"):
        safe(lambda: sk.report(**{slot: junk}))
        safe(lambda: sk.report(**{slot: junk}, errors="lenient", by="channel"))


def test_junk_options() -> None:
    t = DATA / "tickets.csv"
    cases: List[Dict[str, Any]] = [
        {"period": 3}, {"period": ""}, {"timezone": ""}, {"timezone": 5}, {"by": ""}, {"by": 1},
        {"sla": {"first_response": {"P1": -1}}}, {"sla": {"first_response": {"P1": 10**30}}},
        {"sla": {"resolution": {"default": 60}, "clock": "business"}}, {"sla": "fast"},
        {"as_of": "2021-01-01"}, {"as_of": datetime(2021, 1, 1)}, {"range": (date(2021, 2, 1), date(2021, 1, 1))},
        {"range": ("x", "y")}, {"range": (1, 2)}, {"errors": "maybe"}, {"preset": "zendesk"},
        {"options": {"quantiles": "nope"}}, {"options": {"csat": {"scale": [5, 1]}}}, {"options": 5},
        {"mapping": {"id": "nope"}}, {"mapping": {"a": 1}}, {"mapping": "x"}, {"null_tokens": "x"},
        {"timestamp_format": "%Q"}, {"date_format": "%"}, {"currency": "EURO"}, {"calendar": "Mon-Fri"},
    ]
    for kwargs in cases:
        safe(lambda: sk.report(tickets=t, **kwargs))
        safe(lambda: sk.partial(tickets=t, **kwargs))


def test_random_csv_and_tables(tmp_path: Path) -> None:
    rng = random.Random(6)
    headers = ["id", "ticket_id", "created_at", "resolved_at", "responded_at", "kind", "score", "at",
               "author", "public", "start", "end", "amount", "acquired_at", "number", "opened_at",
               "incident_state", "sys_updated_at"]
    for i in range(40):
        cols = rng.sample(headers, rng.randint(1, 8))
        rows = [[rng.choice(CELLS) for _ in cols] for _ in range(rng.randint(0, 6))]
        p = tmp_path / f"f{i}.csv"
        p.write_text(",".join(cols) + "\n" + "\n".join(",".join(r) for r in rows) + "\n")
        table = pa.table({c: [r[j] for r in rows] for j, c in enumerate(cols)})
        for src in (p, table):
            for read in (sk.read_tickets, sk.read_events, sk.read_surveys, sk.read_customers, sk.read_costs):
                safe(lambda: read(src, errors="lenient"))
            safe(lambda: sk.report(tickets=src, surveys=src, errors="lenient"))
            safe(lambda: sk.report(tickets=src, preset="servicenow", errors="lenient", period="day"))


def test_junk_states() -> None:
    good = sk.partial(tickets=DATA / "tickets.csv", surveys=DATA / "surveys.csv")
    rng = random.Random(7)
    junk: List[Any] = [b"", b"{}", b"null", b"\xff\xfe", good[: len(good) // 2], good + b"x", "str", 5, None]
    for _ in range(60):
        mutated = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        junk.append(bytes(mutated))
    # Damage behind a recomputed checksum: the content checks, not the checksum, refuse it.
    def with_checksum(body: bytes) -> bytes:
        h = 0xCBF29CE484222325  # FNV-1a 64, as the state's checksum
        for b in body:
            h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
        return body + h.to_bytes(8, "little")

    for _ in range(200):
        mutated = bytearray(good[:-8])
        mutated[rng.randrange(14, len(mutated))] = rng.randrange(256)
        junk.append(with_checksum(bytes(mutated)))
    for j in junk:
        safe(lambda: sk.merge([j]))
        safe(lambda: sk.merge([good, j]))
        safe(lambda: sk.combine([good, j]))
    assert sk.merge([good]) == sk.report(tickets=DATA / "tickets.csv", surveys=DATA / "surveys.csv")
