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
        "prepare",
        "Prepared",
        "merge",
        "combine",
        "bucket_of",
        "preset_id_columns",
        "Report",
        "ticket_metrics",
        "TicketMetrics",
    }


def test_import_supportkpi_imports_no_engine() -> None:
    """supportkpi.spark and supportkpi.dask are extras: the package never imports them."""
    import subprocess
    import sys

    code = (
        "import sys, supportkpi\n"
        "engines = sorted(m for m in sys.modules if m.split('.')[0] in ('pyspark', 'dask', 'distributed', 'py4j')"
        " or m in ('supportkpi.spark', 'supportkpi.dask', 'supportkpi._engine'))\n"
        "assert not engines, engines\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
