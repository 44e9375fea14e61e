# The private compiled module. Users import `supportkpi`; these signatures are what the
# pure-Python layer relies on, checked against the built module by `mypy.stubtest`.
from typing import Any, Optional, final

__all__ = [
    "ERROR_KINDS",
    "__version__",
    "BusinessCalendar",
    "ces",
    "compare_csat",
    "compare_nps",
    "csat",
    "nps",
]

__version__: str
ERROR_KINDS: list[str]

_Ymd = tuple[int, int, int]
_Hms = tuple[int, int, int]
_Hmsu = tuple[int, int, int, int]

def nps(scores: object, adjusted_wald: bool, confidence: object) -> dict[str, Any]: ...
def csat(
    scores: object,
    scale_min: object,
    scale_max: object,
    positive_from: Optional[object],
    confidence: object,
) -> dict[str, Any]: ...
def ces(scores: object, scale: object) -> dict[str, Any]: ...
def compare_nps(a: bytes, b: bytes) -> dict[str, Any]: ...
def compare_csat(a: bytes, b: bytes) -> dict[str, Any]: ...
@final
class BusinessCalendar:
    def __new__(
        cls,
        timezone: str,
        hours: str,
        holidays: list[_Ymd],
        closures: list[tuple[_Ymd, _Hmsu, _Hmsu]],
    ) -> BusinessCalendar: ...
    @property
    def timezone(self) -> str: ...
    @property
    def hours(self) -> str: ...
    @property
    def holidays(self) -> list[_Ymd]: ...
    @property
    def closures(self) -> list[tuple[_Ymd, _Hms, _Hms]]: ...
    @property
    def weekly_open_seconds(self) -> int: ...
    def business_seconds(self, start: int, end: int) -> int: ...
    def is_open_at(self, at: int) -> bool: ...
    def add_business_seconds(self, start: int, seconds: int) -> Optional[int]: ...
    def __eq__(self, value: object, /) -> bool: ...
