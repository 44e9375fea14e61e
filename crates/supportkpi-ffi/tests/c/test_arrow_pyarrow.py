"""supportkpi_report_arrow through ctypes, with streams that pyarrow exports (_export_to_c):
millisecond timestamps, a dictionary-encoded column and int8 scores, in two batches; the report
must be supportkpi_report_json's on the same records given inline, and every stream must be
moved (its release set to NULL) whether the call succeeds or fails.

Run by scripts/c-tests.sh with the .venv's Python (which has pyarrow) and the path of
libsupportkpi.so; the last line is the plain "N passed, N failed"."""

import ctypes
import sys
from datetime import datetime, timezone

import pyarrow as pa

lib = ctypes.CDLL(sys.argv[1])
lib.supportkpi_report_arrow.argtypes = [
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.c_char_p,
    ctypes.POINTER(ctypes.c_void_p),
]
lib.supportkpi_report_arrow.restype = ctypes.c_uint32
lib.supportkpi_report_json.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
lib.supportkpi_report_json.restype = ctypes.c_uint32
lib.supportkpi_string_free.argtypes = [ctypes.c_void_p]

passed = 0
failed = 0


def check(cond: bool, what: str) -> None:
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"check failed: {what}", file=sys.stderr)


class Stream(ctypes.Structure):
    # struct ArrowArrayStream: get_schema, get_next, get_last_error, release, private_data.
    _fields_ = [(name, ctypes.c_void_p) for name in
                ("get_schema", "get_next", "get_last_error", "release", "private_data")]


def export(table: pa.Table) -> Stream:
    stream = Stream()
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=2))
    reader._export_to_c(ctypes.addressof(stream))
    return stream


def take(out: ctypes.c_void_p) -> str:
    text = ctypes.cast(out, ctypes.c_char_p).value
    lib.supportkpi_string_free(out)
    return (text or b"").decode()


def utc(s: str) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=timezone.utc)


tickets = pa.table({
    "id": ["T-1", "T-2", "T-3"],
    "created_at": pa.array(
        [utc("2021-06-01T08:00:00"), utc("2021-06-01T09:00:00"), utc("2021-07-02T08:00:00")],
        pa.timestamp("ms", tz="UTC")),
    "resolved_at": pa.array(
        [utc("2021-06-01T09:30:00"), None, utc("2021-07-02T08:10:00")],
        pa.timestamp("ms", tz="UTC")),
    "channel": pa.array(["email", "chat", None]).dictionary_encode(),
})
surveys = pa.table({
    "id": ["S-1", "S-2"],
    "ticket_id": ["T-1", "T-2"],
    "responded_at": pa.array([utc("2021-06-01T10:00:00")] * 2, pa.timestamp("us", tz="UTC")),
    "kind": ["nps", "csat"],
    "score": pa.array([9, 4], pa.int8()),
})
options = '"options": {"period": "month", "by": "channel"}'
inline = (
    '{"records": {"tickets": ['
    '{"id": "T-1", "created_at": "2021-06-01T08:00:00Z", "resolved_at": "2021-06-01T09:30:00Z",'
    ' "channel": "email"},'
    '{"id": "T-2", "created_at": "2021-06-01T09:00:00Z", "channel": "chat"},'
    '{"id": "T-3", "created_at": "2021-07-02T08:00:00Z", "resolved_at": "2021-07-02T08:10:00Z"}],'
    '"surveys": ['
    '{"id": "S-1", "ticket_id": "T-1", "responded_at": "2021-06-01T10:00:00Z", "kind": "nps",'
    ' "score": 9},'
    '{"id": "S-2", "ticket_id": "T-2", "responded_at": "2021-06-01T10:00:00Z", "kind": "csat",'
    ' "score": 4}]}, ' + options + '}'
)

out = ctypes.c_void_p()
check(lib.supportkpi_report_json(inline.encode(), ctypes.byref(out)) == 0, "report_json")
expected = take(out)

t, s = export(tickets), export(surveys)
out = ctypes.c_void_p()
code = lib.supportkpi_report_arrow(ctypes.addressof(t), ctypes.addressof(s),
                                   ("{" + options + "}").encode(), ctypes.byref(out))
check(code == 0, f"report_arrow returned {code}")
got = take(out) if code == 0 else ""
check(got == expected, f"same report\narrow: {got}\njson:  {expected}")
check('"tickets_created":2,' in got, "June has two tickets")
check(t.release is None and s.release is None, "both streams moved")

# A failing call moves the streams too: here the request is not JSON.
t, s = export(tickets), export(surveys)
out = ctypes.c_void_p()
code = lib.supportkpi_report_arrow(ctypes.addressof(t), ctypes.addressof(s), b"{nope",
                                   ctypes.byref(out))
check(code == 5, f"invalid JSON is 5, got {code}")  # SUPPORTKPI_RESULT_INVALID_JSON
check(out.value is None, "no output on failure")
check(t.release is None and s.release is None, "both streams moved on failure")

print(f"test_arrow_pyarrow: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
