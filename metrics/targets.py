"""Targets (目标): how a target is told apart from a figure, in a file and in the store.

A target is stored in `observations` like a figure (so preview, one transaction, history and undo cover
it) under the indicator id `target:<id>`. Every figure query selects catalog ids (`$indicators`), so a
target is never counted as a figure; the few queries over all rows (periods, parks, chains, status)
leave `target:` ids out. In a file a row is a target when its 数据性质/basis cell says 目标/target
(示意目标/illustrative target for a made-up one), or when it sits on a sheet named 年度目标 (or 目标,
targets). Progress against targets (完成率, 序时进度) is computed in DuckDB: sql/q_target_progress.sql.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TARGET_PREFIX = "target:"
TARGET_SHEETS = ("年度目标", "目标", "targets")
# Values of the 数据性质/basis column (ingest/table.py) that mark a row as a target, and the basis it keeps.
TARGET_BASES = {"target": "reported", "illustrative_target": "illustrative"}


def target_id(indicator: str) -> str:
    return f"{TARGET_PREFIX}{indicator}"


def is_target(indicator: object) -> bool:
    return isinstance(indicator, str) and indicator.startswith(TARGET_PREFIX)


def indicator_of(indicator: str) -> str:
    """The catalog id a (target) id is about."""
    return indicator[len(TARGET_PREFIX) :] if is_target(indicator) else indicator


def names_target_sheet(source_prefix: str) -> bool:
    """Whether sources starting `source_prefix` (`file!sheet!`, then a row number) name a target sheet."""
    # A row number holds no `!`, so `!年度目标!` is in a source exactly when it is in the prefix: one test
    # per sheet instead of a search through every figure's source.
    return any(f"!{sheet}!" in source_prefix for sheet in TARGET_SHEETS)


def mark_targets(frame: pd.DataFrame, on_sheet: np.ndarray | None = None) -> pd.DataFrame:
    """The frame with target rows under `target:<id>` and their basis back to reported/illustrative;
    the frame itself when no row is a target (the usual case costs one look at the basis categories).
    `on_sheet` marks the rows read from a target sheet (`names_target_sheet`), None for a CSV file."""
    basis = frame["basis"]
    if isinstance(basis.dtype, pd.CategoricalDtype):  # as ingest gives it: look at the few categories only
        marked = np.append(np.isin(basis.cat.categories.to_numpy(), list(TARGET_BASES)), False)  # code -1: none
        rows = marked[basis.cat.codes.to_numpy()]
    else:
        rows = basis.isin(list(TARGET_BASES)).to_numpy()
    if on_sheet is not None:
        rows = rows | on_sheet
    if not rows.any():
        return frame
    out = frame.copy()
    indicator = out["indicator"].astype(object)
    out["indicator"] = indicator.where(~rows, TARGET_PREFIX + indicator.astype(str))
    out["basis"] = basis.astype(object).map(lambda b: TARGET_BASES.get(b, b))
    return out


def indicator_name(indicator: str, catalog, lang: str = "zh") -> str:
    """A (target) id as people read it: 营业收入, 营业收入（目标） / Operating revenue (target); unknown ids as they are."""
    try:
        name = catalog.indicator(indicator_of(indicator)).name(lang)
    except KeyError:
        return indicator
    if not is_target(indicator):
        return name
    return f"{name} (target)" if lang == "en" else f"{name}（目标）"
