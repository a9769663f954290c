"""URL state helpers and translations: period tokens, weights, the i18n file."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import ROOT

from metrics.periods import Period, parse_period
from ui import state
from ui.i18n import strings, t


@pytest.mark.parametrize(
    "text, token",
    [
        ("2024", "2024"),
        ("2024Q3", "2024 Q3"),
        ("2024-09", "2024-09"),
        ("2024年上半年", "2024 H1"),
        ("2024年前三季度", "2024 Jan–Sep"),
        ("2024年1-5月", "2024 Jan–May"),
    ],
)
def test_period_tokens_round_trip(text, token):
    period = parse_period(text)
    assert state.period_token(period) == token
    assert state.parse_token(token) == period


def test_custom_period_token_round_trips_and_garbage_is_none():
    custom = Period(dt.date(2024, 1, 15), dt.date(2024, 2, 20))
    assert state.parse_token(state.period_token(custom)) == custom
    assert state.parse_token("2024-13-01~x") is None
    assert state.parse_token("") is None


def test_weights_token_keeps_only_changes_and_ignores_bad_parts():
    defaults = {"revenue": 2.0, "satisfaction": 1.0}
    assert state.weights_token({"revenue": 2.0, "satisfaction": 0.5}, defaults) == "satisfaction:0.5"
    assert state.parse_weights("satisfaction:0.5,unknown:3,revenue:abc,revenue:-1", defaults) == {
        "revenue": 2.0,
        "satisfaction": 0.5,
    }


def test_every_string_has_both_languages_and_the_same_placeholders():
    for key, entry in strings().items():
        assert set(entry) == {"zh", "en"}, key
        assert set(re.findall(r"{(\w+)}", entry["zh"])) == set(re.findall(r"{(\w+)}", entry["en"])), key
    assert t("page_parks", "en") == "Parks" and t("page_parks") == "园区对比"


def test_every_key_the_ui_uses_exists():
    used = set()
    for path in [ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if not k.endswith("_") and k not in strings())
    assert not missing
