"""Indicator and park catalogs, read from TOML and validated on load."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

HERE = Path(__file__).parent
PARK_KINDS = ("park", "region")
ALLOWED_UNITS = {"万元", "万美元", "%", "家", "项", "个", "名", "人次", "场", "支", "件"}
INDICATOR_KEYS = {"id", "name_zh", "name_en", "aliases", "unit", "category", "direction", "weight"}
INDICATOR_OPTIONAL_KEYS = {"short_en", "range", "decimals"}
# Units that count things: a count is never negative, so a range for one starts at 0 or above.
COUNT_UNITS = {"家", "项", "个", "名", "人次", "场", "支"}
# Decimal places a figure is shown with when its catalog entry sets none (in its canonical unit).
DEFAULT_DECIMALS = {"%": 1}
MAX_DECIMALS = 4
SHORT_EN_MAX = 22  # characters of an English KPI-card label (name_en when shorter); a longer one is cut in a card
UNIT_KEYS = {"id", "zh", "en"}
CATEGORY_KEYS = {"id", "name_zh", "name_en"}
CATEGORY_OPTIONAL_KEYS = {"design_card"}
PARK_KEYS = {"name"}
PARK_OPTIONAL_KEYS = {"name_en", "aliases", "kind"}
MONEY_UNITS = ("万元", "万美元")  # money is stored in these only (CONTRACT §2, §3b)
ADDED_UNIT_MAX = 10  # characters of an added indicator's unit (吨, 千瓦时, 标准箱…)
CUSTOM_CATEGORY = "custom"  # the family of indicators that analysts add (ids ADDED_PREFIX + hash)
ADDED_PREFIX = "x_"
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class CatalogProblem:
    """One problem of a catalog, in English and Chinese (analysts meet them on the dashboard)."""

    en: str
    zh: str

    def __str__(self) -> str:
        return self.en


class CatalogError(ValueError):
    """Every problem found in a catalog (file or database entries), reported together."""

    def __init__(self, problems: list[CatalogProblem | str]):
        items = [p if isinstance(p, CatalogProblem) else CatalogProblem(p, p) for p in problems]
        self.problems = [p.en for p in items]
        self.problems_zh = [p.zh for p in items]
        super().__init__("; ".join(self.problems))

    def messages(self, lang: str = "zh") -> list[str]:
        return self.problems if lang == "en" else self.problems_zh


@dataclass(frozen=True)
class Category:
    id: str
    name_zh: str
    name_en: str
    design_card: bool = False  # one of the design card's four families: shown first, and on the summary image

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
    range: tuple[float, float] | None = None  # plausible values (min, max); None: not checked
    decimals: int | None = None  # places shown on cards, charts, tables and images; None = by unit

    @property
    def places(self) -> int:
        """Decimal places of this indicator's figures in its canonical unit: `decimals`, else by unit."""
        return self.decimals if self.decimals is not None else DEFAULT_DECIMALS.get(self.unit, 0)

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
    kind: str = "park"  # "park", or "region" (a city, province, county: kept apart in park rankings)


def normalize_header(text: str) -> str:
    """Header text without spaces, case folded; used for exact name/alias matching."""
    return "".join(str(text).split()).casefold()  # str.split() drops what `\s` matches, faster


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
    def design_card_categories(self) -> list[Category]:
        """The design card's families (revenue growth, innovation, talent, services), in catalog order."""
        return [c for c in self.categories if c.design_card]

    @property
    def ids(self) -> list[str]:
        return [i.id for i in self.indicators]

    def match_indicator(self, header: str) -> Indicator | None:
        """The indicator a header (unit bracket already removed) names exactly, if any."""
        return self._header_index.get(normalize_header(header))

    def canonical_park(self, name: str) -> str | None:
        """Canonical park name for a name or alias; None when the park is not in the catalog."""
        return self._park_index.get(re.sub(r"\s+", "", name))

    def park_kind(self, name: str) -> str | None:
        """ "park" or "region" for a catalog entry (its name or an alias); None for a name outside the
        catalog. Rankings of parks leave regions out; a page may set a park beside its city or province."""
        canonical = self.canonical_park(name)
        return self._park_kinds.get(canonical) if canonical else None

    @cached_property
    def region_names(self) -> tuple[str, ...]:
        """Entries of kind region: left out where a page means "all parks" (rankings, yardsticks, cards)."""
        return tuple(p.name for p in self.parks if p.kind == "region")

    @cached_property
    def _park_kinds(self) -> dict[str, str]:
        return {p.name: p.kind for p in self.parks}

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


def _key_problems(where: Where, entry: dict, keys: set[str], optional: set[str] = frozenset()) -> list[CatalogProblem]:
    """Unknown and missing keys of one catalog entry."""
    problems = []
    if unknown := set(entry) - keys - optional:
        problems.append(where.problem(f"unknown keys {sorted(unknown)}", f"未知的键 {sorted(unknown)}"))
    if missing := keys - set(entry):
        problems.append(where.problem(f"missing keys {sorted(missing)}", f"缺少键 {sorted(missing)}"))
    return problems


@dataclass(frozen=True)
class Where:
    """Names the place of a problem in both languages (`indicators.toml: indicator #3 (revenue)`)."""

    en: str
    zh: str

    def problem(self, en: str, zh: str) -> CatalogProblem:
        return CatalogProblem(f"{self.en}: {en}", f"{self.zh}：{zh}")


@dataclass(frozen=True)
class Origin:
    """Where the entries of a catalog document came from: a file, or the database (analysts' entries)."""

    en: str
    zh: str
    numbered: bool = True  # "indicator #3 (id)" in a file; "indicator id" for database entries

    @classmethod
    def file(cls, path: Path) -> Origin:
        return cls(path.name, path.name)

    def at(self, what_en: str, what_zh: str, n: int, name: object) -> Where:
        if self.numbered:
            return Where(f"{self.en}: {what_en} #{n} ({name})", f"{self.zh}：{what_zh} #{n}（{name}）")
        return Where(f"{self.en}: {what_en} {name}", f"{self.zh}：{what_zh} {name}")


def _added_unit_problems(at: Where, unit) -> list[CatalogProblem]:
    """An added indicator keeps the unit its label was written in (吨, 人, 辆, or none), but money is
    stored in 万元 or 万美元 only, so that every money figure of the dashboard is in one of the two."""
    if not isinstance(unit, str) or len(unit) > ADDED_UNIT_MAX or re.search(r"[\s()（）\[\]]", unit):
        return [
            at.problem(
                f"unit must be text of at most {ADDED_UNIT_MAX} characters, without spaces or brackets",
                f"单位须为不超过 {ADDED_UNIT_MAX} 个字符的文字，不含空格或括号",
            )
        ]
    if "元" in unit and unit not in MONEY_UNITS:
        return [
            at.problem(
                f"unit {unit!r}: money is stored in {' or '.join(MONEY_UNITS)}",
                f"单位 {unit!r}：金额一律以{'或'.join(MONEY_UNITS)}存储",
            )
        ]
    return []


def _texts(entry: dict, key: str) -> list:
    value = entry.get(key, [])
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _range_problems(at: Where, bounds: object, unit: object) -> list[CatalogProblem]:
    """A range must be [min, max], two numbers with min < max; a count's min is not negative."""
    numbers = isinstance(bounds, list) and all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
    if not numbers or len(bounds) != 2 or any(b != b for b in bounds):
        return [
            at.problem(
                "range must be [min, max], two numbers (inf for no bound)",
                "range 须为 [最小值, 最大值] 两个数（无上限写 inf）",
            )
        ]
    problems = []
    if not bounds[0] < bounds[1]:
        problems.append(at.problem("range min must be below max", "range 的最小值须小于最大值"))
    if unit in COUNT_UNITS and bounds[0] < 0:
        problems.append(
            at.problem(f"range of a count ({unit}) cannot start below 0", f"计数（{unit}）的 range 不能从负数开始")
        )
    return problems


def _validate(ind_doc: dict, park_doc: dict, ind_origin: Origin, park_origin: Origin) -> list[CatalogProblem]:
    """Every problem of an indicator document and a park document, in both languages."""
    problems: list[CatalogProblem] = []
    cat_ids = {c.get("id") for c in ind_doc.get("category", [])}
    for n, entry in enumerate(ind_doc.get("category", []), start=1):
        at = ind_origin.at("category", "类别", n, entry.get("id", "?"))
        problems += _key_problems(at, entry, CATEGORY_KEYS, CATEGORY_OPTIONAL_KEYS)
        if not isinstance(entry.get("design_card", False), bool):
            problems.append(at.problem("design_card must be true or false", "design_card 须为 true 或 false"))
        if not all(isinstance(entry.get(k), str) and entry.get(k) for k in CATEGORY_KEYS):
            problems.append(
                at.problem("id, name_zh and name_en must be non-empty text", "id、中文名和英文名须为非空文字")
            )
    units = sorted(ALLOWED_UNITS)
    seen_ids: set[str] = set()
    seen_names: dict[str, tuple[int, str]] = {}
    for n, entry in enumerate(ind_doc.get("indicator", []), start=1):
        at = ind_origin.at("indicator", "指标", n, entry.get("id", "?"))
        problems += _key_problems(at, entry, INDICATOR_KEYS, INDICATOR_OPTIONAL_KEYS)
        if "decimals" in entry:
            places = entry["decimals"]
            if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= MAX_DECIMALS:
                problems.append(
                    at.problem(
                        f"decimals must be a whole number from 0 to {MAX_DECIMALS}",
                        f"小数位数 decimals 须为 0 至 {MAX_DECIMALS} 的整数",
                    )
                )
        if "short_en" in entry:
            short = entry["short_en"]
            if not isinstance(short, str) or not short.strip() or len(short) > SHORT_EN_MAX:
                problems.append(
                    at.problem(
                        f"short_en must be text of 1 to {SHORT_EN_MAX} characters",
                        f"英文卡片名 short_en 须为 1 至 {SHORT_EN_MAX} 个字符",
                    )
                )
        if "range" in entry:
            problems += _range_problems(at, entry["range"], entry.get("unit"))
        iid = entry.get("id", "")
        if not ID_PATTERN.match(str(iid)):
            problems.append(at.problem("id must be snake_case", "编号须为小写字母、数字和下划线（snake_case）"))
        if iid in seen_ids:
            problems.append(at.problem("duplicate id", "编号重复"))
        seen_ids.add(iid)
        for key, zh in (("name_zh", "中文名"), ("name_en", "英文名")):
            if not isinstance(entry.get(key, ""), str) or (key in entry and not str(entry[key]).strip()):
                problems.append(at.problem(f"{key} must be non-empty text", f"{zh}须为非空文字"))
        if not all(isinstance(a, str) for a in _texts(entry, "aliases")):
            problems.append(at.problem("aliases must be a list of text", "别名须为文字列表"))
        if str(iid).startswith(ADDED_PREFIX):
            problems += _added_unit_problems(at, entry.get("unit"))
        elif entry.get("unit") not in ALLOWED_UNITS:
            problems.append(
                at.problem(
                    f"unit {entry.get('unit')!r} not in {units}", f"单位 {entry.get('unit')!r} 不在 {units} 之中"
                )
            )
        if entry.get("category") not in cat_ids:
            problems.append(
                at.problem(f"unknown category {entry.get('category')!r}", f"未知的类别 {entry.get('category')!r}")
            )
        if entry.get("direction") not in ("higher", "lower"):
            problems.append(at.problem("direction must be 'higher' or 'lower'", "方向须为 'higher' 或 'lower'"))
        weight = entry.get("weight")
        if (
            isinstance(weight, bool)
            or not isinstance(weight, (int, float))
            or not weight >= 0
            or weight == float("inf")
        ):
            problems.append(at.problem("weight must be a number >= 0", "权重须为不小于 0 的数"))
        for text in (iid, entry.get("name_zh", ""), entry.get("name_en", ""), *_texts(entry, "aliases")):
            key = normalize_header(text)
            if not key:
                problems.append(at.problem("empty name or alias", "名称或别名为空"))
            elif key in seen_names and seen_names[key][0] != n:
                other = seen_names[key][1]
                problems.append(
                    at.problem(f"name or alias {text!r} also used by {other}", f"名称或别名 {text!r} 已被 {other} 使用")
                )
            else:
                seen_names[key] = (n, iid)
    card_labels: dict[str, str] = {}
    card_at = Where(ind_origin.en, ind_origin.zh)
    for entry in ind_doc.get("indicator", []):
        label = str(entry.get("short_en") or entry.get("name_en", ""))
        if label in card_labels and label:
            a, b = card_labels[label], entry.get("id")
            problems.append(
                card_at.problem(
                    f"card label {label!r} used by {a} and {b}", f"英文卡片名 {label!r} 同时用于 {a} 和 {b}"
                )
            )
        card_labels.setdefault(label, str(entry.get("id", "?")))
    seen_units: set[str] = set()
    for n, entry in enumerate(ind_doc.get("unit", []), start=1):
        at = ind_origin.at("unit", "单位", n, entry.get("id", "?"))
        problems += _key_problems(at, entry, UNIT_KEYS)
        if entry.get("id") not in ALLOWED_UNITS:
            problems.append(
                at.problem(f"unit {entry.get('id')!r} not in {units}", f"单位 {entry.get('id')!r} 不在 {units} 之中")
            )
        if entry.get("id") in seen_units:
            problems.append(at.problem("duplicate unit", "单位重复"))
        seen_units.add(entry.get("id"))
        if not all(isinstance(entry.get(k, ""), str) for k in ("zh", "en")) or not entry.get("zh"):
            problems.append(at.problem("zh must be non-empty text and en text", "zh 须为非空文字，en 须为文字"))
    if seen_units:  # once labels are given, every unit an indicator uses needs one
        used = {e.get("unit") for e in ind_doc.get("indicator", [])} & ALLOWED_UNITS
        for unit in sorted(used - seen_units):
            problems.append(
                card_at.problem(f"unit {unit!r} has no [[unit]] label", f"单位 {unit!r} 没有 [[unit]] 显示名")
            )
    seen_parks: dict[str, str] = {}
    for n, entry in enumerate(park_doc.get("park", []), start=1):
        at = park_origin.at("park", "园区", n, entry.get("name", "?"))
        if unknown := set(entry) - PARK_KEYS - PARK_OPTIONAL_KEYS:
            problems.append(at.problem(f"unknown keys {sorted(unknown)}", f"未知的键 {sorted(unknown)}"))
        if not entry.get("name") or not isinstance(entry.get("name"), str):
            problems.append(at.problem("missing name", "缺少名称"))
        if not isinstance(entry.get("name_en", ""), str):
            problems.append(at.problem("name_en must be text", "英文名须为文字"))
        if entry.get("kind", "park") not in PARK_KINDS:
            problems.append(
                at.problem("kind must be 'park' or 'region'", "类型 kind 须为 'park'（园区）或 'region'（地区）")
            )
        for text in (entry.get("name", ""), *_texts(entry, "aliases")):
            if not isinstance(text, str) or not text.strip():
                problems.append(at.problem("empty name or alias", "名称或别名为空"))
                continue
            key = re.sub(r"\s+", "", text)
            if key in seen_parks and seen_parks[key] != entry.get("name"):
                other = seen_parks[key]
                problems.append(
                    at.problem(f"name or alias {text!r} also used by {other}", f"名称或别名 {text!r} 已被 {other} 使用")
                )
            seen_parks[key] = entry.get("name")
    for n, entry in enumerate(park_doc.get("illustrative_park", []), start=1):
        at = park_origin.at("illustrative park", "示意园区", n, entry.get("name", "?"))
        problems += _key_problems(at, entry, {"name", "name_en"})
        name = entry.get("name", "")
        if not all(isinstance(entry.get(k, ""), str) for k in ("name", "name_en")) or not name:
            problems.append(at.problem("name and name_en must be non-empty text", "名称和英文名须为非空文字"))
        elif name in seen_parks:
            problems.append(
                at.problem(
                    f"name {name!r} also used by {seen_parks[name]}", f"名称 {name!r} 已被 {seen_parks[name]} 使用"
                )
            )
        else:
            seen_parks[name] = name
    return problems


def _build(ind_doc: dict, park_doc: dict) -> Catalog:
    """A Catalog from validated documents."""
    return Catalog(
        categories=tuple(Category(**c) for c in ind_doc.get("category", [])),
        indicators=tuple(
            Indicator(
                **{
                    **e,
                    "aliases": tuple(e["aliases"]),
                    "weight": float(e["weight"]),
                    "range": (float(e["range"][0]), float(e["range"][1])) if "range" in e else None,
                }
            )
            for e in ind_doc["indicator"]
        ),
        parks=tuple(
            Park(
                name=p["name"],
                name_en=p.get("name_en") or p["name"],
                aliases=tuple(p.get("aliases", [])),
                kind=p.get("kind", "park"),
            )
            for p in park_doc.get("park", [])
        ),
        units=tuple(UnitLabel(**u) for u in ind_doc.get("unit", [])),
        illustrative_parks=tuple(
            Park(name=p["name"], name_en=p["name_en"], aliases=()) for p in park_doc.get("illustrative_park", [])
        ),
    )


def catalog_from_docs(
    ind_doc: dict, park_doc: dict, ind_origin: Origin | None = None, park_origin: Origin | None = None
) -> Catalog:
    """Validate an indicator and a park document (TOML shape); raise CatalogError listing every problem."""
    default = Origin("catalog", "目录")
    problems = _validate(ind_doc, park_doc, ind_origin or default, park_origin or ind_origin or default)
    if problems:
        raise CatalogError(problems)
    return _build(ind_doc, park_doc)


def load_catalog(indicators_path: Path | None = None, parks_path: Path | None = None) -> Catalog:
    """Read and validate both catalogs; raise CatalogError listing every problem.

    One file may hold both (an exported catalog: `python -m metrics catalog export`)."""
    ind_path = Path(indicators_path or HERE / "indicators.toml")
    park_path = Path(parks_path or HERE / "parks.toml")
    ind_doc = tomllib.loads(ind_path.read_text(encoding="utf-8"))
    park_doc = tomllib.loads(park_path.read_text(encoding="utf-8"))
    return catalog_from_docs(ind_doc, park_doc, Origin.file(ind_path), Origin.file(park_path))


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The bundled catalog (metrics/indicators.toml, metrics/parks.toml), or PARKDASH_PARKS for parks."""
    import os

    parks = os.environ.get("PARKDASH_PARKS")
    return load_catalog(parks_path=Path(parks) if parks else None)
