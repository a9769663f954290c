"""Docs stay honest: the README's indicator table equals the catalog, and its commands exist."""

from __future__ import annotations

import re

from conftest import ROOT


def readme_indicator_rows() -> list[tuple[str, ...]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Indicators", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        m = re.match(
            r"\|\s*(.+?)\s*\|\s*`(\w+)`\s*\|\s*(.+?)\s*\|\s*(.+?)\s*\|\s*(.+?)\s*\|\s*(.+?)\s*\|\s*(.+?)\s*\|", line
        )
        if m:
            rows.append(m.groups())
    return rows


def test_readme_indicator_table_matches_catalog(catalog):
    expected = [
        (catalog.category(i.category).name_en, i.id, i.name_zh, i.name_en, i.unit, f"{i.weight:g}", i.short_name("en"))
        for i in catalog.indicators
    ]
    assert readme_indicator_rows() == expected


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = text.split("```", 2)[1]
    assert "make run" in first_block and "make test" in first_block
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()
