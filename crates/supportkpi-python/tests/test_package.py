import re

import supportkpi as sk
from supportkpi import _native


def test_version_matches_the_crate() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", sk.__version__)


def test_public_names_exist_and_native_is_private() -> None:
    for name in sk.__all__:
        assert hasattr(sk, name), name
    assert "_native" not in sk.__all__
    for name in ("report", "read_tickets", "read_events", "read_surveys", "read_customers",
                 "read_costs", "Report", "Records", "partial", "merge"):
        assert name in sk.__all__, name


def test_native_exports_what_the_stub_declares() -> None:
    assert set(_native.__all__) == {
        "ERROR_KINDS",
        "__version__",
        "nps",
        "csat",
        "ces",
        "compare_nps",
        "compare_csat",
        "BusinessCalendar",
        "REPORT_INPUTS",
        "read_path",
        "read_table",
        "Records",
        "report",
        "partial",
        "merge",
        "combine",
        "bucket_of",
        "Report",
        "ticket_metrics",
        "TicketMetrics",
    }
