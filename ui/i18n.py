"""UI strings: every label lives in ui/i18n.toml as `key = { zh = "...", en = "..." }`."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

LANGS = ("zh", "en")
PATH = Path(__file__).with_name("i18n.toml")


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    """All strings, keyed by id then language."""
    return tomllib.loads(PATH.read_text(encoding="utf-8"))


def t(key: str, lang: str = "zh", **fields) -> str:
    """The string `key` in `lang` (zh unless "en"), with `{fields}` filled in."""
    entry = strings()[key]
    text = entry["en"] if lang == "en" else entry["zh"]
    return text.format(**fields) if fields else text


def literal(text: object) -> str:
    """Text made literal in a markdown element (names are data: no markup, no HTML)."""
    special = "\\`*_[]<>#|~$"
    return "".join("\\" + c if c in special else c for c in str(text))
