"""Plausibility checks on a file's figures before loading: one rule per function, each with its reason.

A warning does not stop a load (the analyst may load anyway, and the warning stays in the load's
record); `ingest --strict` makes warnings errors. Each rule returns `Problem`s located like row errors
(sheet, row, column, value), worded in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pyarrow as pa

from metrics.catalog import Catalog, default_catalog
from metrics.model import ParsedFile, Problem
from metrics.periods import Period, period_label, sequential_previous, year_earlier
from metrics.queries import display_value
from metrics.template import EXAMPLE_PARK

# A figure this many times above or below the same park's previous comparable figure is a unit slip
# (亿元 typed as 万元 is 10,000x; 万元 as 元 10,000x the other way), not growth.
SCALE_SLIP_FACTOR = 50.0
MAX_PER_RULE = 500  # a file with a slip in every row needs the first ones, and the count

REASONS = {
    "range": ("超出该指标的合理范围", "outside the indicator's plausible range"),
    "scale": (
        f"与上一可比期相差超过 {SCALE_SLIP_FACTOR:g} 倍，可能是单位写错（如把另一种金额单位的数字填在这一列）",
        f"over {SCALE_SLIP_FACTOR:g}x off the previous comparable period: a unit slip (a figure in another money unit)?",
    ),
    "template": (
        "这是模板中的示例行，不是真实数据，请删除",
        "this is the template's example row, not real data: delete it",
    ),
    "near_park": (
        "园区名称与目录中的园区只差一个字，可能写错",
        "the park name is one character away from a catalog park: a typo?",
    ),
    "future": ("统计期尚未结束", "the period has not ended yet"),
}


def check(
    parsed: ParsedFile, store=None, catalog: Catalog | None = None, today: dt.date | None = None
) -> list[Problem]:
    """Every plausibility warning for a file's figures, ordered by sheet and row."""
    catalog = catalog or (store.catalog if store is not None else default_catalog())
    today = today or dt.date.today()
    frame = parsed.frame
    if not len(frame):
        return []
    file = parsed.report.file
    frame = frame.reset_index(drop=True)
    warnings = [
        *out_of_range(frame, catalog, file),
        *scale_slip(frame, store, catalog, file),
        *template_example(frame, file),
        *near_park_name(frame, catalog, file),
        *future_period(frame, today, file),
    ]
    return sorted(warnings, key=lambda w: (w.row is None, w.sheet or "", w.row or 0))


def out_of_range(frame: pd.DataFrame, catalog: Catalog, file: str) -> list[Problem]:
    """A value outside its indicator's catalog range (a 195 % satisfaction, a negative count)."""
    codes, ids = _decoded(frame["indicator"])
    bounds = [(_range(catalog, i) or (np.nan, np.nan)) for i in ids]
    low, high = (
        np.array([b[0] for b in bounds], dtype=float)[codes],
        np.array([b[1] for b in bounds], dtype=float)[codes],
    )
    values = frame["value"].to_numpy(dtype=float)
    outside = np.flatnonzero((values < low) | (values > high))  # NaN bounds (no range) compare False
    out = []
    for i in outside[:MAX_PER_RULE]:
        ind = catalog.indicator(ids[codes[i]])
        lo, hi = ind.range
        span = f"{lo:g}–{hi:g}" if np.isfinite(hi) else f"≥ {lo:g}"
        value = f"{values[i]:g}"
        out.append(
            _warning(
                frame,
                i,
                file,
                ind.name_zh,
                value,
                "range",
                f"{ind.name_zh} {value}{ind.unit}，合理范围 {span}",
                f"{ind.name_en} {value} {catalog.unit_label(ind.unit, 'en')}, plausible range {span}",
            )
        )
    return _capped(out, len(outside), "range", file)


def scale_slip(frame: pd.DataFrame, store, catalog: Catalog, file: str) -> list[Problem]:
    """A value more than 50x above or below the same park's figure for the previous comparable period
    (a year earlier, else the previous quarter or month), in the file or already stored."""
    # Rates and shares move freely; an indicator the catalog does not know yet (made of a label in this
    # file) has no history to compare with.
    percent = [i.id for i in catalog.indicators if i.unit == "%"]
    known = catalog.ids
    indicators = frame["indicator"]
    figures = frame[
        ~indicators.isin(percent).to_numpy() & indicators.isin(known).to_numpy() & (frame["value"] > 0).to_numpy()
    ]
    if not len(figures):
        return []
    previous = _previous_values(figures, store)
    if previous.empty:
        return []
    joined = previous.join(frame[["value", "indicator"]], on="k")
    ratio = joined["value"] / joined["prev_value"]
    slipped = joined[(ratio > SCALE_SLIP_FACTOR) | (ratio < 1 / SCALE_SLIP_FACTOR)].sort_values("k")
    out = []
    for _, row in slipped.head(MAX_PER_RULE).iterrows():
        ind = catalog.indicator(str(row["indicator"]))
        i = int(row["k"])
        value, prev = display_value(row["value"], "exact", "zh"), display_value(row["prev_value"], "exact", "zh")
        value_en, prev_en = display_value(row["value"], "exact", "en"), display_value(row["prev_value"], "exact", "en")
        unit_en = catalog.unit_label(ind.unit, "en")
        times = max(row["value"] / row["prev_value"], row["prev_value"] / row["value"])
        prev_start, prev_end = row["prev_start"].date(), row["prev_end"].date()
        label_zh = period_label(prev_start, prev_end, "zh")
        label_en = period_label(prev_start, prev_end, "en")
        out.append(
            _warning(
                frame,
                i,
                file,
                ind.name_zh,
                f"{row['value']:g}",
                "scale",
                f"{ind.name_zh} {value}{ind.unit}，{label_zh}为 {prev}{ind.unit}（约 {times:,.0f} 倍）",
                f"{ind.name_en} {value_en} {unit_en} against {prev_en} {unit_en} in {label_en} (about {times:,.0f}x)",
            )
        )
    return _capped(out, len(slipped), "scale", file)


def template_example(frame: pd.DataFrame, file: str) -> list[Problem]:
    """A row of the upload template's example park (template.EXAMPLE_PARK), left in the file."""
    names = set(EXAMPLE_PARK.values())
    rows = frame[frame["park"].isin(list(names)).to_numpy()].drop_duplicates("source")
    out = [
        _warning(
            frame,
            i,
            file,
            None,
            str(frame.at[i, "park"]),
            "template",
            f"园区“{frame.at[i, 'park']}”",
            f"park {frame.at[i, 'park']!r}",
        )
        for i in rows.index[:MAX_PER_RULE]
    ]
    return _capped(out, len(rows), "template", file)


def near_park_name(frame: pd.DataFrame, catalog: Catalog, file: str) -> list[Problem]:
    """A park name not in the catalog but one character (added, dropped or changed) away from a
    catalog park or alias: `东营经开` for `东营经开区`."""
    known = {re.sub(r"\s+", "", t): p.name for p in catalog.parks for t in (p.name, *p.aliases)}
    others = {p.name for p in catalog.illustrative_parks} | set(EXAMPLE_PARK.values())
    near_index = _one_edit_index(known)
    codes, parks = _decoded(frame["park"])
    out = []
    for k, park in enumerate(parks[:-1]):
        name = "".join(str(park).split())
        if name in known or park in others:
            continue
        near = sorted(_one_edit_candidates(name, near_index) - {name})
        near = [alias for alias in near if one_edit_apart(name, alias)]
        if not near:
            continue
        i = int(np.argmax(codes == k))  # the park's first row
        alias = min(near, key=len)
        canonical = known[alias]
        also = "" if alias == canonical else f"（{canonical}）"
        also_en = "" if alias == canonical else f" ({canonical})"
        out.append(
            _warning(
                frame,
                i,
                file,
                None,
                park,
                "near_park",
                f"“{park}”与“{alias}”{also}只差一个字",
                f"{park!r} is one character away from {alias!r}{also_en}",
            )
        )
    return _capped(out, len(out), "near_park", file)


def future_period(frame: pd.DataFrame, today: dt.date, file: str) -> list[Problem]:
    """A figure for a period that ends after today (a typed 2052 for 2025, or a plan given as a result)."""
    codes, ends = _decoded(frame["period_end"])
    late = [k for k, end in enumerate(ends[:-1]) if pd.Timestamp(end).date() > today]
    future = frame[np.isin(codes, late)].drop_duplicates(["source", "period_start", "period_end"])
    out = []
    for i in future.index[:MAX_PER_RULE]:
        start, end = pd.Timestamp(frame.at[i, "period_start"]).date(), pd.Timestamp(frame.at[i, "period_end"]).date()
        label_zh, label_en = period_label(start, end, "zh"), period_label(start, end, "en")
        out.append(
            _warning(
                frame,
                i,
                file,
                None,
                label_zh,
                "future",
                f"{label_zh}至 {end.isoformat()} 才结束（今天 {today.isoformat()}）",
                f"{label_en} ends on {end.isoformat()} (today is {today.isoformat()})",
            )
        )
    return _capped(out, len(future), "future", file)


def _one_edit_index(names) -> dict[str, set[str]]:
    """Each name under itself and under every form of it with one character dropped (and where):
    a name one edit away shares one of these keys with it (the symmetric-delete method)."""
    index: dict[str, set[str]] = {}
    for name in names:
        for key in (
            name,
            *(f"{i}:{name[:i]}{name[i + 1 :]}" for i in range(len(name))),
            *(f"-:{name[:i]}{name[i + 1 :]}" for i in range(len(name))),
        ):
            index.setdefault(key, set()).add(name)
    return index


def _one_edit_candidates(name: str, index: dict[str, set[str]]) -> set[str]:
    """Names of the index that may be one edit away from `name` (checked by one_edit_apart)."""
    found = set(index.get(f"-:{name}", ()))  # a name with one more character
    for i in range(len(name)):
        dropped = f"{name[:i]}{name[i + 1 :]}"
        found |= index.get(dropped, set())  # a name with one character fewer
        found |= index.get(f"{i}:{dropped}", set())  # one character changed
    return found


def one_edit_apart(a: str, b: str) -> bool:
    """True when `a` becomes `b` by adding, dropping or changing exactly one character."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


# -- helpers --------------------------------------------------------------------------------


def _previous_values(figures: pd.DataFrame, store) -> pd.DataFrame:
    """Per figure (k, its index) the value of its previous comparable period (prev_start, prev_end,
    prev_value): a year earlier first, else the sequential previous period; from the file when it holds
    that figure, else from the store. Keys are matched as integer codes, not texts."""
    park, parks = _decoded(figures["park"])
    chain, chains = _decoded(figures["chain"])
    indicator, indicators = _decoded(figures["indicator"])
    start, starts = _decoded(figures["period_start"])
    end, ends = _decoded(figures["period_end"])
    period, pairs = pd.factorize(start.astype(np.int64) * (len(ends) + 1) + end)
    spans = [
        Period(pd.Timestamp(starts[p // (len(ends) + 1)]).date(), pd.Timestamp(ends[p % (len(ends) + 1)]).date())
        for p in pairs
    ]
    series = (park.astype(np.int64) * (len(chains) + 1) + chain) * (len(indicators) + 1) + indicator
    in_file = pd.Index(series * len(spans) + period)
    k = figures.index.to_numpy()
    found = []
    for preference, previous_of in enumerate((year_earlier, sequential_previous)):
        previous = [previous_of(span) for span in spans]
        at = {span: n for n, span in enumerate(spans)}
        code = np.array([at.get(p, -1) if p is not None else -1 for p in previous] + [-1])[period]
        has = np.flatnonzero(code >= 0)
        pos = in_file.get_indexer(series[has] * len(spans) + code[has]) if len(has) else np.array([], dtype=int)
        hit = has[pos >= 0]
        found.append(
            pd.DataFrame(
                {
                    "k": k[hit],
                    "preference": preference,
                    "origin": 0,
                    "span": code[hit],
                    "prev_value": figures["value"].to_numpy()[pos[pos >= 0]],
                }
            )
        )
        if store is None:
            continue
        asked = np.flatnonzero(np.array([p is not None for p in previous] + [False])[period])
        if not len(asked):
            continue
        prev_start = pa.array([p.start if p else None for p in previous] + [None], pa.date32())
        prev_end = pa.array([p.end if p else None for p in previous] + [None], pa.date32())
        keys = pa.table(
            {
                "park": pa.DictionaryArray.from_arrays(pa.array(park[asked]), pa.array(list(parks), pa.string())),
                "chain": pa.DictionaryArray.from_arrays(
                    pa.array(chain[asked]), pa.array([c if isinstance(c, str) else "" for c in chains], pa.string())
                ),
                "indicator": pa.DictionaryArray.from_arrays(
                    pa.array(indicator[asked]), pa.array(list(indicators), pa.string())
                ),
                "period_start": pa.DictionaryArray.from_arrays(pa.array(period[asked]), prev_start),
                "period_end": pa.DictionaryArray.from_arrays(pa.array(period[asked]), prev_end),
                "k": pa.array(asked),
            }
        )
        stored = store.figures_at(keys)
        if len(stored):
            rows = stored["k"].to_numpy()
            found.append(
                pd.DataFrame(
                    {
                        "k": k[rows],
                        "preference": preference,
                        "origin": 1,
                        "span": -1 - period[rows],  # the previous period of the asking figure's period
                        "prev_value": stored["value"].to_numpy(dtype=float),
                    }
                )
            )
    both = pd.concat(found, ignore_index=True)
    both = both[both["prev_value"] > 0].sort_values(["k", "preference", "origin"]).drop_duplicates("k")
    previous = {
        (preference, n): f(span)
        for preference, f in enumerate((year_earlier, sequential_previous))
        for n, span in enumerate(spans)
    }
    dates = [
        spans[s] if s >= 0 else previous[(p, -1 - s)] for s, p in zip(both["span"], both["preference"], strict=True)
    ]
    both["prev_start"] = [pd.Timestamp(d.start) for d in dates]
    both["prev_end"] = [pd.Timestamp(d.end) for d in dates]
    return both[["k", "prev_start", "prev_end", "prev_value"]].reset_index(drop=True)


def _range(catalog: Catalog, indicator_id) -> tuple[float, float] | None:
    """The catalog range of an indicator; None without one, or for an indicator the catalog does not know."""
    try:
        return catalog.indicator(indicator_id).range if indicator_id is not None else None
    except KeyError:
        return None


def _decoded(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per row a code, and the distinct values (object array) with None last: values[codes] is the
    column, a missing value coded to that None. Categoricals are decoded once per category."""
    codes, uniques = pd.factorize(series)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = list(uniques)
    return np.where(codes < 0, len(uniques), codes), table


def _warning(
    frame: pd.DataFrame, i: int, file: str, column: str | None, value: str, rule: str, zh: str, en: str
) -> Problem:
    sheet, row = _place(str(frame.at[i, "source"]))
    reason_zh, reason_en = REASONS[rule]
    where_zh = "".join([f"工作表“{sheet}”" if sheet else "", f"第{row}行" if row is not None else ""])
    where_en = ", ".join(p for p in [f"sheet {sheet!r}" if sheet else "", f"row {row}" if row is not None else ""] if p)
    return Problem(
        sheet=sheet or "",
        row=row,
        column=column,
        value=value,
        message=f"{file} {where_zh}：{zh}。{reason_zh}",
        message_en=f"{file}, {where_en}: {en}. {reason_en}",
    )


def _place(source: str) -> tuple[str, int | None]:
    """Sheet and row of a figure from its `file!sheet!row` source."""
    parts = source.rsplit("!", 2)
    if len(parts) < 3:
        return "", None
    return parts[1], int(parts[2]) if parts[2].isdigit() else None


def _capped(warnings: list[Problem], found: int, rule: str, file: str) -> list[Problem]:
    """The warnings built (at most MAX_PER_RULE), and one line counting the others of the rule."""
    if found <= len(warnings):
        return warnings
    more = found - len(warnings)
    reason_zh, reason_en = REASONS[rule]
    return [
        *warnings,
        Problem(
            "", None, None, None, f"{file}：另有 {more} 处同类警告（{reason_zh}）", f"{file}: {more} more ({reason_en})"
        ),
    ]
