"""supportkpi: customer-support KPIs computed correctly, the same from every language.

The compiled core lives in the private module ``supportkpi._native``; this package is the
typed, documented surface on top of it. Every number comes from the Rust core: this layer
converts types and never recomputes.

>>> import supportkpi as sk
>>> r = sk.nps([10, 9, 9, 7, 3])
>>> r.score, r.n
(40.0, 5)

Undefined values (no responses, a zero denominator) are ``None``, never 0 or NaN, and
``result.undefined_reasons[field]`` says why. Bad input raises a subclass of ``sk.Error``
(a ``ValueError``) carrying the record, field, value and rule.
"""

from supportkpi._calendar import BusinessCalendar
from supportkpi._errors import (
    DuplicateIdError,
    Error,
    IncompatibleMergeError,
    InvalidCalendarError,
    InvalidOptionError,
    InvalidStateError,
    InvalidTimestampError,
    InvalidValueError,
    IoError,
    MissingFieldError,
    MixedCurrenciesError,
    NegativeDurationError,
    ScoreOutOfScaleError,
    UnknownTimeZoneError,
    UnmappedStatusError,
)
from supportkpi._native import __version__
from supportkpi._report import (
    Prepared,
    Records,
    Rejected,
    Report,
    bucket_of,
    combine,
    TicketMetrics,
    merge,
    partial,
    prepare,
    read_costs,
    read_customers,
    read_events,
    read_surveys,
    read_tickets,
    report,
    ticket_metrics,
)
from supportkpi._survey import (
    CesResult,
    Comparison,
    CsatResult,
    CustomCesScale,
    Interval,
    NpsResult,
    Scores,
    UndefinedReasons,
    ces,
    csat,
    nps,
)

__all__ = [
    "__version__",
    # survey KPIs
    "nps",
    "csat",
    "ces",
    "NpsResult",
    "CsatResult",
    "CesResult",
    "CustomCesScale",
    "Comparison",
    "Interval",
    "UndefinedReasons",
    "Scores",
    # readers and the report
    "read_tickets",
    "read_events",
    "read_surveys",
    "read_customers",
    "read_costs",
    "Records",
    "Rejected",
    "report",
    "Report",
    "prepare",
    "Prepared",
    "partial",
    "combine",
    "merge",
    "bucket_of",
    "ticket_metrics",
    "TicketMetrics",
    # time
    "BusinessCalendar",
    # errors
    "Error",
    "MissingFieldError",
    "InvalidValueError",
    "InvalidTimestampError",
    "NegativeDurationError",
    "ScoreOutOfScaleError",
    "UnknownTimeZoneError",
    "MixedCurrenciesError",
    "DuplicateIdError",
    "UnmappedStatusError",
    "InvalidCalendarError",
    "InvalidOptionError",
    "IncompatibleMergeError",
    "InvalidStateError",
    "IoError",
]
