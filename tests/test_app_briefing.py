"""The overview's briefing (数据解读) through AppTest: under the cards, the cards' own numbers, both languages."""

# ruff: noqa: F811  (app_db is a fixture imported from app_data and requested by name)
from __future__ import annotations

from app_data import DY, app_db, open_page  # noqa: F401


def briefing_text(at) -> str:
    assert len(at.code) == 1
    return at.code[0].value


def test_briefing_under_the_cards_repeats_their_numbers(app_db):
    at = open_page()
    assert not at.exception
    text = briefing_text(at)
    cards = {m.label: m.value for m in at.metric}
    assert cards["国家级创新平台（家）"] == "127余" and "国家级创新平台合计127余家" in text
    assert cards["营业收入（万元）"] == "2,580" and "营业收入合计2,580万元" in text
    assert "数据解读" in [h.value for h in at.subheader]
    assert "含示意数据" in text  # one Dongying figure is illustrative


def test_briefing_follows_language_and_filters(app_db):
    at = open_page(params={"lang": "en", "period": "2023", "parks": [DY]})
    assert not at.exception
    text = briefing_text(at)
    assert text.startswith("2023; Dongying Economic and Technological Development Zone (1 park)")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text)
