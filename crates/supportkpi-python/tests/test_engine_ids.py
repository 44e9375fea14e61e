"""The engines bucket a preset's export by the ticket id column the core's preset reads."""

from __future__ import annotations

import pytest

from supportkpi import _engine, _native


@pytest.mark.parametrize(
    "preset,columns,expected",
    [
        ("servicenow", ["number", "incident_state", "opened_at"], "number"),
        ("zendesk", ["Subject", "Id", "Created at"], "Id"),
        ("freshdesk", ["Subject", "Ticket ID", "Created time"], "Ticket ID"),
        ("jira", ["Summary", "Issue key", "Issue id"], "Issue key"),
        ("hubspot", ["Ticket name", "Ticket ID"], "Ticket ID"),
        # Matched without regard to case, as the preset readers match headers.
        ("zendesk", ["ID", "Created at"], "ID"),
    ],
)
def test_a_presets_id_column_comes_from_the_core(preset: str, columns: list[str], expected: str) -> None:
    assert _engine.id_column("tickets", columns, {"preset": preset}) == expected


def test_document_presets_have_no_id_column() -> None:
    assert _native.preset_id_columns("intercom") == []
    with pytest.raises(ValueError, match="Subject"):
        _engine.id_column("tickets", ["Subject"], {"preset": "intercom"})
    with pytest.raises(ValueError):
        _native.preset_id_columns("no-such-preset")
