"""The report phrasings of metrics/extract/phrases.toml, validated against the catalog on load."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from metrics.catalog import Catalog, CatalogError, CatalogProblem

PHRASES_PATH = Path(__file__).parent / "phrases.toml"
GAP = "…"
GAP_CHARS = 8  # a `…` in a word spans at most this many characters (收集…建议: 收集汇总企业意见建议)
READING_KEYS = {
    "measure_words",
    "not_a_count_before",
    "time_words",
    "frequency_words",
    "threshold_after",
    "at_least_before",
    "approx_before",
    "at_least_after",
    "approx_after",
    "same_as_before",
}
SUBJECT_KEYS = {
    "park_suffixes",
    "other_suffixes",
    "alias_markers",
    "heading_max_chars",
    "generic_names",
    "title_max_chars",
    "title_prefixes",
}
NUMBER_KEYS = {"heading_max_chars", "title_max_chars"}


@dataclass(frozen=True)
class Word:
    """One wording of what a figure counts, for one indicator, with the measure words it may carry."""

    indicator: str
    text: str
    measures: frozenset[str]
    pattern: re.Pattern

    @property
    def weight(self) -> int:
        """Characters it matches literally: a longer wording is a more specific one."""
        return len(self.text.replace(GAP, ""))


@dataclass(frozen=True)
class Phrases:
    """Everything the extractor reads from phrases.toml and the catalog, ready to match."""

    words: tuple[Word, ...]
    reading: dict
    subjects: dict
    unit_measures: dict[str, tuple[str, ...]]


def _word_pattern(text: str) -> re.Pattern:
    parts = [re.escape(p) for p in text.split(GAP)]
    return re.compile(f".{{0,{GAP_CHARS}}}?".join(parts))


def _problem(en: str, zh: str) -> CatalogProblem:
    return CatalogProblem(f"{PHRASES_PATH.name}: {en}", f"{PHRASES_PATH.name}：{zh}")


def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def _validate(doc: dict, catalog: Catalog) -> list[CatalogProblem]:
    problems: list[CatalogProblem] = []
    reading, subjects, measures = doc.get("reading"), doc.get("subjects"), doc.get("measures")
    for table, keys, name in ((reading, READING_KEYS, "reading"), (subjects, SUBJECT_KEYS, "subjects")):
        if not isinstance(table, dict):
            problems.append(_problem(f"[{name}] is missing", f"缺少 [{name}] 表"))
            continue
        for key in sorted(keys - set(table)):
            problems.append(_problem(f"[{name}] lacks {key}", f"[{name}] 缺少 {key}"))
        for key in sorted(set(table) - keys):
            problems.append(_problem(f"[{name}] has an unknown key {key}", f"[{name}] 含未知键 {key}"))
        for key in sorted(keys & set(table)):
            if key in NUMBER_KEYS:
                if not isinstance(table[key], int) or table[key] < 2:
                    problems.append(
                        _problem(f"[{name}] {key} must be a whole number ≥ 2", f"[{name}] {key} 应为不小于 2 的整数")
                    )
            elif not _strings(table[key]):
                problems.append(_problem(f"[{name}] {key} must be a list of texts", f"[{name}] {key} 应为文字列表"))
    known = set(reading.get("measure_words", [])) if isinstance(reading, dict) else set()
    if not isinstance(measures, dict):
        problems.append(_problem("[measures] is missing", "缺少 [measures] 表"))
        measures = {}
    for unit, words in measures.items():
        if not _strings(words):
            problems.append(_problem(f"[measures] {unit} must be a list of texts", f"[measures] {unit} 应为文字列表"))
        elif unknown := [w for w in words if w not in known]:
            problems.append(
                _problem(
                    f"[measures] {unit}: {', '.join(unknown)} not in measure_words",
                    f"[measures] {unit}：{'、'.join(unknown)} 不在 measure_words 中",
                )
            )
    for ind in catalog.indicators:
        if ind.unit not in measures and ind.category != "custom":
            problems.append(
                _problem(
                    f"[measures] has no entry for the unit {ind.unit} of {ind.id}",
                    f"[measures] 缺少指标 {ind.id} 的单位 {ind.unit}",
                )
            )
    ids = set(catalog.ids)
    for n, entry in enumerate(doc.get("phrase", []), start=1):
        where_en, where_zh = f"phrase {n}", f"第{n}条 phrase"
        if set(entry) != {"indicator", "words", "measures"}:
            problems.append(
                _problem(
                    f"{where_en} needs exactly indicator, words, measures (has {', '.join(sorted(entry))})",
                    f"{where_zh} 须且只须有 indicator、words、measures（现有 {'、'.join(sorted(entry))}）",
                )
            )
            continue
        if entry["indicator"] not in ids:
            problems.append(
                _problem(
                    f"{where_en}: indicator {entry['indicator']!r} is not in the catalog",
                    f"{where_zh}：指标 {entry['indicator']!r} 不在指标目录中",
                )
            )
        if not _strings(entry["words"]):
            problems.append(_problem(f"{where_en}: words must be a list of texts", f"{where_zh}：words 应为文字列表"))
        if not _strings(entry["measures"]):
            problems.append(
                _problem(f"{where_en}: measures must be a list of texts", f"{where_zh}：measures 应为文字列表")
            )
        elif unknown := [m for m in entry["measures"] if m not in known]:
            problems.append(
                _problem(
                    f"{where_en}: measures {', '.join(unknown)} not in measure_words",
                    f"{where_zh}：计量词 {'、'.join(unknown)} 不在 measure_words 中",
                )
            )
    return problems


def load_phrases(catalog: Catalog, path: Path | None = None) -> Phrases:
    """The phrasings in effect with `catalog`: the file's, plus each indicator's name and aliases. Raises
    CatalogError naming every problem of the file at once."""
    path = path or PHRASES_PATH
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError([_problem(f"cannot be read ({exc})", f"无法读取（{exc}）")]) from exc
    problems = _validate(doc, catalog)
    if problems:
        raise CatalogError(problems)
    unit_measures = {unit: tuple(words) for unit, words in doc["measures"].items()}
    words: list[Word] = []
    for entry in doc.get("phrase", []):
        for text in entry["words"]:
            words.append(Word(entry["indicator"], text, frozenset(entry["measures"]), _word_pattern(text)))
    for ind in catalog.indicators:
        measures = frozenset(unit_measures.get(ind.unit, (ind.unit,)))
        for text in (ind.name_zh, *ind.aliases):
            if re.search(r"[\u4e00-\u9fff]", text):  # Latin aliases (GDP) are header forms, not report wording
                words.append(Word(ind.id, text, measures, _word_pattern(text)))
    return Phrases(tuple(words), dict(doc["reading"]), dict(doc["subjects"]), unit_measures)


@lru_cache(maxsize=8)
def phrases_for(catalog: Catalog) -> Phrases:
    return load_phrases(catalog)
