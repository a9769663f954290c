"""Catalog entries as data: analysts' indicators and parks merged over the shipped catalog, and TOML out."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable

from metrics.catalog import (
    ADDED_PREFIX,
    CUSTOM_CATEGORY,
    Catalog,
    Indicator,
    Origin,
    Park,
    catalog_from_docs,
    normalize_header,
)

# Problems of analysts' entries name them as the database's, not by a line of a file.
DATABASE = Origin("catalog", "目录", numbered=False)


def indicator_entry(ind: Indicator) -> dict:
    """An indicator as a TOML/JSON entry (the keys of metrics/indicators.toml)."""
    entry = {
        "id": ind.id,
        "name_zh": ind.name_zh,
        "name_en": ind.name_en,
        "aliases": list(ind.aliases),
        "unit": ind.unit,
        "category": ind.category,
        "direction": ind.direction,
        "weight": float(ind.weight),
    }
    if ind.short_en:
        entry["short_en"] = ind.short_en
    if ind.range is not None:  # plausible values (metrics/plausibility.py); inf for no upper bound
        entry["range"] = [ind.range[0], ind.range[1]]
    return entry


def park_entry(park: Park) -> dict:
    """A park or region as a TOML/JSON entry (the keys of metrics/parks.toml)."""
    return {"name": park.name, "name_en": park.name_en, "aliases": list(park.aliases), "kind": park.kind}


def catalog_docs(cat: Catalog) -> tuple[dict, dict]:
    """(indicator document, park document) in the shape of the TOML files."""
    ind_doc = {
        "unit": [{"id": u.id, "zh": u.zh, "en": u.en} for u in cat.units],
        "category": [
            {"id": c.id, "name_zh": c.name_zh, "name_en": c.name_en, **({"design_card": True} if c.design_card else {})}
            for c in cat.categories
        ],
        "indicator": [indicator_entry(i) for i in cat.indicators],
    }
    park_doc = {
        "park": [park_entry(p) for p in cat.parks],
        "illustrative_park": [{"name": p.name, "name_en": p.name_en} for p in cat.illustrative_parks],
    }
    return ind_doc, park_doc


def merged(base: Catalog, indicators: Iterable[dict] = (), parks: Iterable[dict] = ()) -> Catalog:
    """`base` with analysts' entries: one with a shipped id (or park name) replaces it, others are added
    after; validated as a whole (CatalogError names every problem in zh and en, e.g. an alias claimed twice)."""
    ind_doc, park_doc = catalog_docs(base)
    for key, target, entries in (("id", ind_doc["indicator"], indicators), ("name", park_doc["park"], parks)):
        position = {e[key]: n for n, e in enumerate(target)}
        for entry in entries:
            if entry.get(key) in position:
                target[position[entry[key]]] = dict(entry)
            else:
                position[entry.get(key)] = len(target)
                target.append(dict(entry))
    return catalog_from_docs(ind_doc, park_doc, DATABASE, DATABASE)


def added_indicator_id(name_zh: str) -> str:
    """The id of an indicator analysts add: `x_` + a hash of its name (shipped ids never start with x_)."""
    digest = hashlib.sha1(normalize_header(name_zh).encode("utf-8")).hexdigest()[:10]
    return f"{ADDED_PREFIX}{digest}"


def new_indicator_entry(
    name_zh: str,
    unit: str,
    name_en: str = "",
    aliases: Iterable[str] = (),
    category: str = CUSTOM_CATEGORY,
    direction: str = "higher",
    weight: float = 0.0,
) -> dict:
    """An entry for an indicator analysts add: family `custom`, out of the composite index (weight 0),
    the Chinese name standing in for the English one until someone writes it."""
    name_zh = str(name_zh).strip()
    return {
        "id": added_indicator_id(name_zh),
        "name_zh": name_zh,
        "name_en": str(name_en).strip() or name_zh,
        "aliases": [a.strip() for a in aliases if a and a.strip()],
        "unit": unit,
        "category": category,
        "direction": direction,
        "weight": float(weight),
    }


# -- TOML out (a small writer: the catalog holds text, numbers and lists of text only) -------------


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isinf(value):  # TOML writes infinity as inf (a range's open end)
            return "inf" if value > 0 else "-inf"
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"not a finite number: {value}")
        return repr(float(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are TOML basic-string escapes
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def catalog_toml(cat: Catalog, header: str = "") -> str:
    """The whole catalog (units, families, indicators, parks) as one TOML file that load_catalog(f, f) reads."""
    ind_doc, park_doc = catalog_docs(cat)
    lines = [f"# {line}" for line in header.splitlines()]
    for table, entries in (*ind_doc.items(), *park_doc.items()):
        for entry in entries:
            lines += ["", f"[[{table}]]"]
            lines += [f"{key} = {_toml_value(value)}" for key, value in entry.items()]
    return "\n".join(lines).lstrip("\n") + "\n"


def differences(base: Catalog, other: Catalog) -> tuple[list[dict], list[dict]]:
    """The indicator and park entries of `other` that `base` lacks or holds otherwise (what an import stores)."""
    base_inds = {i.id: indicator_entry(i) for i in base.indicators}
    base_parks = {p.name: park_entry(p) for p in base.parks}
    inds = [e for e in map(indicator_entry, other.indicators) if base_inds.get(e["id"]) != e]
    parks = [e for e in map(park_entry, other.parks) if base_parks.get(e["name"]) != e]
    return inds, parks
