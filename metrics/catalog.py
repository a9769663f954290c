"""Indicator and park catalogs, read from TOML and validated on load."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

HERE = Path(__file__).parent
ALLOWED_UNITS = {"万元", "万美元", "%", "家", "项", "个", "名", "人次", "场", "支", "件"}
INDICATOR_KEYS = {"id", "name_zh", "name_en", "aliases", "unit", "category", "direction", "weight"}
INDICATOR_OPTIONAL_KEYS = {"short_en"}
SHORT_EN_MAX = 22  # characters of an English KPI-card label (name_en when shorter); a longer one is cut in a card
UNIT_KEYS = {"id", "zh", "en"}
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class CatalogError(ValueError):
    """Every problem found in a catalog file, reported together."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Category:
    id: str
    name_zh: str
    name_en: str

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True)
class Indicator:
    id: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...]
    unit: str
    category: str
    direction: str  # "higher" or "lower" is better
    weight: float
    short_en: str = ""  # the English label on a KPI card, when name_en is too long for one

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" else self.name_zh

    def short_name(self, lang: str = "zh") -> str:
        """The name on a KPI card: short_en (or name_en) in English, name_zh in Chinese."""
        return (self.short_en or self.name_en) if lang == "en" else self.name_zh


@dataclass(frozen=True)
class UnitLabel:
    """How a canonical unit is written in each language (en may be "" for a bare count)."""

    id: str
    zh: str
    en: str


@dataclass(frozen=True)
class Park:
    name: str
    name_en: str
    aliases: tuple[str, ...]


def normalize_header(text: str) -> str:
    """Header text without spaces, case folded; used for exact name/alias matching."""
    return re.sub(r"\s+", "", str(text)).casefold()


@dataclass(frozen=True)
class Catalog:
    categories: tuple[Category, ...]
    indicators: tuple[Indicator, ...]
    parks: tuple[Park, ...]
    units: tuple[UnitLabel, ...] = ()
    illustrative_parks: tuple[Park, ...] = ()  # made-up sample parks: English display names only

    def park_name_en(self, name: str) -> str | None:
        """The English name of a catalog or illustrative park (display only); None for others."""
        return self._english_park_names.get(name)

    def unit_label(self, unit: str, lang: str = "zh") -> str:
        """The unit as shown in `lang` (万元 -> "10k CNY"); the unit itself when the catalog has no label."""
        for label in self.units:
            if label.id == unit:
                return label.en if lang == "en" else label.zh
        return unit

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def category(self, category_id: str) -> Category:
        for cat in self.categories:
            if cat.id == category_id:
                return cat
        raise KeyError(category_id)

    def in_category(self, category_id: str) -> list[Indicator]:
        return [i for i in self.indicators if i.category == category_id]

    @property
    def ids(self) -> list[str]:
        return [i.id for i in self.indicators]

    def match_indicator(self, header: str) -> Indicator | None:
        """The indicator a header (unit bracket already removed) names exactly, if any."""
        return self._header_index.get(normalize_header(header))

    def canonical_park(self, name: str) -> str | None:
        """Canonical park name for a name or alias; None when the park is not in the catalog."""
        return self._park_index.get(re.sub(r"\s+", "", name))

    @cached_property
    def _header_index(self) -> dict[str, Indicator]:
        # Built once per catalog: hashing the frozen catalog on every lookup was the hot path.
        index = {}
        for ind in self.indicators:
            for text in (ind.id, ind.name_zh, ind.name_en, *ind.aliases):
                index[normalize_header(text)] = ind
        return index

    @cached_property
    def _english_park_names(self) -> dict[str, str]:
        return {p.name: p.name_en for p in (*self.parks, *self.illustrative_parks) if p.name_en}

    @cached_property
    def _park_index(self) -> dict[str, str]:
        index = {}
        for park in self.parks:
            for text in (park.name, *park.aliases):
                index[re.sub(r"\s+", "", text)] = park.name
        return index


def _key_problems(where: str, entry: dict, keys: set[str], optional: set[str] = frozenset()) -> list[str]:
    """Unknown and missing keys of one catalog entry."""
    problems = []
    if unknown := set(entry) - keys - optional:
        problems.append(f"{where}: unknown keys {sorted(unknown)}")
    if missing := keys - set(entry):
        problems.append(f"{where}: missing keys {sorted(missing)}")
    return problems


def _validate(ind_doc: dict, park_doc: dict, ind_path: Path, park_path: Path) -> list[str]:
    problems: list[str] = []
    cat_ids = {c.get("id") for c in ind_doc.get("category", [])}
    seen_ids: set[str] = set()
    seen_names: dict[str, tuple[int, str]] = {}
    for n, entry in enumerate(ind_doc.get("indicator", []), start=1):
        where = f"{ind_path.name}: indicator #{n} ({entry.get('id', '?')})"
        problems += _key_problems(where, entry, INDICATOR_KEYS, INDICATOR_OPTIONAL_KEYS)
        if "short_en" in entry:
            short = entry["short_en"]
            if not isinstance(short, str) or not short.strip() or len(short) > SHORT_EN_MAX:
                problems.append(f"{where}: short_en must be text of 1 to {SHORT_EN_MAX} characters")
        iid = entry.get("id", "")
        if not ID_PATTERN.match(str(iid)):
            problems.append(f"{where}: id must be snake_case")
        if iid in seen_ids:
            problems.append(f"{where}: duplicate id")
        seen_ids.add(iid)
        if entry.get("unit") not in ALLOWED_UNITS:
            problems.append(f"{where}: unit {entry.get('unit')!r} not in {sorted(ALLOWED_UNITS)}")
        if entry.get("category") not in cat_ids:
            problems.append(f"{where}: unknown category {entry.get('category')!r}")
        if entry.get("direction") not in ("higher", "lower"):
            problems.append(f"{where}: direction must be 'higher' or 'lower'")
        weight = entry.get("weight")
        if not isinstance(weight, (int, float)) or weight < 0:
            problems.append(f"{where}: weight must be a number >= 0")
        for text in (iid, entry.get("name_zh", ""), entry.get("name_en", ""), *entry.get("aliases", [])):
            key = normalize_header(text)
            if not key:
                problems.append(f"{where}: empty name or alias")
            elif key in seen_names and seen_names[key][0] != n:
                problems.append(f"{where}: name or alias {text!r} also used by {seen_names[key][1]}")
            else:
                seen_names[key] = (n, iid)
    card_labels: dict[str, str] = {}
    for entry in ind_doc.get("indicator", []):
        label = str(entry.get("short_en") or entry.get("name_en", ""))
        if label in card_labels and label:
            problems.append(f"{ind_path.name}: card label {label!r} used by {card_labels[label]} and {entry.get('id')}")
        card_labels.setdefault(label, str(entry.get("id", "?")))
    seen_units: set[str] = set()
    for n, entry in enumerate(ind_doc.get("unit", []), start=1):
        where = f"{ind_path.name}: unit #{n} ({entry.get('id', '?')})"
        problems += _key_problems(where, entry, UNIT_KEYS)
        if entry.get("id") not in ALLOWED_UNITS:
            problems.append(f"{where}: unit {entry.get('id')!r} not in {sorted(ALLOWED_UNITS)}")
        if entry.get("id") in seen_units:
            problems.append(f"{where}: duplicate unit")
        seen_units.add(entry.get("id"))
        if not all(isinstance(entry.get(k, ""), str) for k in ("zh", "en")) or not entry.get("zh"):
            problems.append(f"{where}: zh must be non-empty text and en text")
    if seen_units:  # once labels are given, every unit an indicator uses needs one
        used = {e.get("unit") for e in ind_doc.get("indicator", [])} & ALLOWED_UNITS
        for unit in sorted(used - seen_units):
            problems.append(f"{ind_path.name}: unit {unit!r} has no [[unit]] label")
    seen_parks: dict[str, str] = {}
    for n, entry in enumerate(park_doc.get("park", []), start=1):
        where = f"{park_path.name}: park #{n} ({entry.get('name', '?')})"
        unknown = set(entry) - {"name", "name_en", "aliases"}
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        if not entry.get("name"):
            problems.append(f"{where}: missing name")
        for text in (entry.get("name", ""), *entry.get("aliases", [])):
            if text in seen_parks and seen_parks[text] != entry.get("name"):
                problems.append(f"{where}: name or alias {text!r} also used by {seen_parks[text]}")
            seen_parks[text] = entry.get("name")
    for n, entry in enumerate(park_doc.get("illustrative_park", []), start=1):
        where = f"{park_path.name}: illustrative park #{n} ({entry.get('name', '?')})"
        problems += _key_problems(where, entry, {"name", "name_en"})
        name = entry.get("name", "")
        if not all(isinstance(entry.get(k, ""), str) for k in ("name", "name_en")) or not name:
            problems.append(f"{where}: name and name_en must be non-empty text")
        elif name in seen_parks:
            problems.append(f"{where}: name {name!r} also used by {seen_parks[name]}")
        else:
            seen_parks[name] = name
    return problems


def load_catalog(indicators_path: Path | None = None, parks_path: Path | None = None) -> Catalog:
    """Read and validate both catalogs; raise CatalogError listing every problem."""
    ind_path = Path(indicators_path or HERE / "indicators.toml")
    park_path = Path(parks_path or HERE / "parks.toml")
    ind_doc = tomllib.loads(ind_path.read_text(encoding="utf-8"))
    park_doc = tomllib.loads(park_path.read_text(encoding="utf-8"))
    problems = _validate(ind_doc, park_doc, ind_path, park_path)
    if problems:
        raise CatalogError(problems)
    return Catalog(
        categories=tuple(Category(**c) for c in ind_doc.get("category", [])),
        indicators=tuple(
            Indicator(**{**e, "aliases": tuple(e["aliases"]), "weight": float(e["weight"])})
            for e in ind_doc["indicator"]
        ),
        parks=tuple(
            Park(name=p["name"], name_en=p.get("name_en", p["name"]), aliases=tuple(p.get("aliases", [])))
            for p in park_doc.get("park", [])
        ),
        units=tuple(UnitLabel(**u) for u in ind_doc.get("unit", [])),
        illustrative_parks=tuple(
            Park(name=p["name"], name_en=p["name_en"], aliases=()) for p in park_doc.get("illustrative_park", [])
        ),
    )


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The bundled catalog (metrics/indicators.toml, metrics/parks.toml), or PARKDASH_PARKS for parks."""
    import os

    parks = os.environ.get("PARKDASH_PARKS")
    return load_catalog(parks_path=Path(parks) if parks else None)
