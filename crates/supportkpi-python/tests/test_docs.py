"""The examples in the docstrings run."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

import supportkpi
from supportkpi import _calendar, _errors, _report, _survey


@pytest.mark.parametrize("module", [supportkpi, _survey, _calendar, _errors, _report], ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
