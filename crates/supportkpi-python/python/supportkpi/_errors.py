"""The exception hierarchy: ``Error`` (a ``ValueError``) and one subclass per error kind.

``IoError`` is an ``OSError`` as well, so ``except OSError`` catches a file that cannot be read
whether supportkpi or Python's own ``open`` found it missing.

Every exception names what a person needs to fix the input: the record type and id, the line
in the input file, the field, the offending value and the rule it broke. Fields that do not
apply are ``None``.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

__all__ = [
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


class Error(ValueError):
    """Bad input or options: the base of every supportkpi exception.

    Attributes:
        kind: the stable snake_case name of the error kind (``"score_out_of_scale"``).
        rule: the rule that was broken, as a short phrase.
        record: the record type (``"ticket"``, ``"survey_response"``, ``"score"``,
            ``"calendar"``…), when known.
        record_id: the record's id, when it has one.
        line: the 1-based line in the input file (header included), when read from a file.
        field: the field the error is about, when known.
        value: the offending value, as text.
        index: the item's 0-based position when it came from a sequence of scores.
    """

    kind: str = "error"

    def __init__(
        self,
        message: str,
        *,
        kind: Optional[str] = None,
        rule: Optional[str] = None,
        record: Optional[str] = None,
        record_id: Optional[str] = None,
        line: Optional[int] = None,
        field: Optional[str] = None,
        value: Optional[str] = None,
        index: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        if kind is not None:
            self.kind = kind
        self.rule: str = rule if rule is not None else message
        self.record: Optional[str] = record
        self.record_id: Optional[str] = record_id
        self.line: Optional[int] = line
        self.field: Optional[str] = field
        self.value: Optional[str] = value
        self.index: Optional[int] = index

    def __reduce__(self) -> Tuple[Any, ...]:
        # Our own reduction (the class, the message, the context): the default one of an
        # exception that is both a ValueError and an OSError (IoError) cannot be rebuilt by
        # picklers that call ``ValueError.__new__`` (tblib's, which Dask installs).
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


def _rebuild(cls: "type[Error]", args: Tuple[Any, ...], state: Dict[str, Any]) -> "Error":
    e = cls(*args)
    e.__dict__.update(state)
    return e


class MissingFieldError(Error):
    """A required field is absent or empty."""

    kind = "missing_field"


class InvalidValueError(Error):
    """A value could not be parsed or is not allowed for its field (a score of 4.5, say)."""

    kind = "invalid_value"


class InvalidTimestampError(Error):
    """A timestamp could not be parsed, or a naive datetime has no time zone."""

    kind = "invalid_timestamp"


class NegativeDurationError(Error):
    """An end lies before its start (a response or resolution before creation)."""

    kind = "negative_duration"


class ScoreOutOfScaleError(Error):
    """A survey score lies outside its scale."""

    kind = "score_out_of_scale"


class UnknownTimeZoneError(Error):
    """A time zone name is not a known IANA zone."""

    kind = "unknown_time_zone"


class MixedCurrenciesError(Error):
    """Amounts in different currencies were combined."""

    kind = "mixed_currencies"


class DuplicateIdError(Error):
    """Two records share an id that must be unique."""

    kind = "duplicate_id"


class UnmappedStatusError(Error):
    """A status name in the data has no entry in the status map."""

    kind = "unmapped_status"


class InvalidCalendarError(Error):
    """A business calendar (hours text, holidays, closures) is malformed."""

    kind = "invalid_calendar"


class InvalidOptionError(Error):
    """An option value is invalid (a bad scale, threshold or confidence level)."""

    kind = "invalid_option"


class IncompatibleMergeError(Error):
    """Two partial results built with different options were merged."""

    kind = "incompatible_merge"


class InvalidStateError(Error):
    """Serialized accumulator state is malformed or inconsistent."""

    kind = "invalid_state"


class IoError(Error, OSError):
    """Reading input failed (file missing, unreadable, truncated).

    Both an ``sk.Error`` (so a ``ValueError``) and an ``OSError``, like ``io.UnsupportedOperation``;
    ``errno`` and ``strerror`` are ``None``: the message names the file and the system's reason.
    """

    kind = "io"


_BY_KIND: dict[str, type[Error]] = {
    cls.kind: cls
    for cls in (
        MissingFieldError,
        InvalidValueError,
        InvalidTimestampError,
        NegativeDurationError,
        ScoreOutOfScaleError,
        UnknownTimeZoneError,
        MixedCurrenciesError,
        DuplicateIdError,
        UnmappedStatusError,
        InvalidCalendarError,
        InvalidOptionError,
        IncompatibleMergeError,
        InvalidStateError,
        IoError,
    )
}


def _from_native(
    kind: str,
    message: str,
    rule: str,
    record: Optional[str],
    record_id: Optional[str],
    line: Optional[int],
    field: Optional[str],
    value: Optional[str],
    index: Optional[int],
) -> Error:
    # A kind added to the core after this package was written still raises, as the base class
    # with its kind name, rather than failing inside error handling.
    cls = _BY_KIND.get(kind, Error)
    return cls(
        message,
        kind=kind,
        rule=rule,
        record=record,
        record_id=record_id,
        line=line,
        field=field,
        value=value,
        index=index,
    )
