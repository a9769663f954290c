"""A figure written twice in one file: the later one is kept (as a later file would replace it),
the earlier one dropped and named in the report, so that the analyst sees it before loading."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.model import Duplicate

KEY_COLUMNS = ("park", "chain", "period_start", "period_end", "indicator")
# Keys are checked with one mark per possible key when that table stays this small (bytes); past it, by hashing.
MAX_MARKS = 1 << 27
MAX_PAIR_MARKS = 1 << 20
MAX_LISTED = 200
SPARSE_KEYS = 8  # possible keys per figure past which only the values present are numbered


def drop_earlier_duplicates(frame: pd.DataFrame) -> tuple[pd.DataFrame, int, list[Duplicate]]:
    """The frame without figures whose key comes again later; how many were dropped; the first of them."""
    if len(frame) < 2:
        return frame, 0, []
    key = _combined_key(frame)
    if key is not None and _all_distinct(*key):
        return frame, 0, []
    codes = key[0] if key is not None else frame.groupby(list(KEY_COLUMNS), dropna=False, observed=True).ngroup()
    earlier = pd.Series(codes, copy=False).duplicated(keep="last").to_numpy()
    if not earlier.any():
        return frame, 0, []
    listed = _describe(frame, np.asarray(codes), earlier)
    kept = frame.loc[~earlier].reset_index(drop=True)
    return kept, int(earlier.sum()), listed


def _combined_key(frame: pd.DataFrame) -> tuple[np.ndarray, int] | None:
    """One integer per figure naming its key (mixed radix over the category codes), and the key count."""
    codes = {}
    for col in KEY_COLUMNS:
        series = frame[col]
        if not isinstance(series.dtype, pd.CategoricalDtype):
            return None
        codes[col] = (series.cat.codes.to_numpy(), len(series.cat.categories) + 1)  # +1: code -1 (missing)
    # A period's start and end come in few pairs: one dense code per pair keeps the key space small.
    (starts, n_starts), (ends, n_ends) = codes.pop("period_start"), codes.pop("period_end")
    pair = (starts.astype(np.int64) + 1) * n_ends + (ends + 1)  # 0 .. n_starts * n_ends - 1
    if n_starts * n_ends <= MAX_PAIR_MARKS:
        seen = np.zeros(n_starts * n_ends, dtype=np.bool_)
        seen[pair] = True
        dense = np.cumsum(seen, dtype=np.int32) - 1  # each pair seen -> 0, 1, 2...
        codes["period"] = (dense[pair], int(dense[-1]) + 2)
    else:
        dense, pairs = pd.factorize(pair)
        codes["period"] = (dense, len(pairs) + 1)
    size = 1
    for _, radix in codes.values():
        size *= radix
    if size > SPARSE_KEYS * len(frame):
        # Far more possible keys than figures: the indicator's categories are the whole catalog's, most
        # unused (parks, chains and periods are those of the file). Number the indicators present only, so
        # that the marks below stay small (fresh pages cost most on a first read).
        part, radix = codes["indicator"]
        codes["indicator"] = _present(part, radix)
        size = size // radix * codes["indicator"][1]
    if size >= 2**62:
        return None
    key = np.zeros(len(frame), dtype=np.int64)
    for part, radix in codes.values():
        key *= radix
        key += part
        key += 1
    return key, size


def _present(part: np.ndarray, radix: int) -> tuple[np.ndarray, int]:
    """Codes -1..radix-2 renumbered -1..m-2 over the values present (-1 stays -1), and the new radix m."""
    seen = np.zeros(radix, dtype=np.bool_)
    seen[part + 1] = True
    seen[0] = True  # code -1 keeps its place
    dense = np.cumsum(seen, dtype=np.int64) - 2  # -1 for code -1, then 0, 1, ... for the values present
    return dense[part + 1], int(dense[-1]) + 2


def _all_distinct(key: np.ndarray, size: int) -> bool | None:
    """Whether no key repeats: one byte per possible key when few are possible, else a hash."""
    if size <= MAX_MARKS:
        marks = np.zeros(size, dtype=np.bool_)
        marks[key] = True
        return int(np.count_nonzero(marks)) == len(key)
    return not pd.Series(key, copy=False).duplicated().any()


def _describe(frame: pd.DataFrame, codes: np.ndarray, earlier: np.ndarray) -> list[Duplicate]:
    """The first dropped figures, each with the figure that replaces it."""
    dropped = np.flatnonzero(earlier)[:MAX_LISTED]
    wanted = codes[dropped]
    later = np.flatnonzero(~earlier & np.isin(codes, wanted))
    replacement = dict(zip(codes[later].tolist(), later.tolist(), strict=True))
    rows = frame.iloc[np.concatenate([dropped, later])]
    by_position = dict(zip(np.concatenate([dropped, later]).tolist(), rows.to_dict("records"), strict=True))
    out = []
    for i in dropped.tolist():
        first, kept = by_position[i], by_position[replacement[int(codes[i])]]
        chain = first["chain"]
        out.append(
            Duplicate(
                park=first["park"],
                chain=chain if isinstance(chain, str) else None,
                period_start=pd.Timestamp(first["period_start"]).date(),
                period_end=pd.Timestamp(first["period_end"]).date(),
                indicator=first["indicator"],
                dropped_source=first["source"],
                dropped_value=float(first["value"]),
                dropped_qualifier=first["qualifier"],
                kept_source=kept["source"],
                kept_value=float(kept["value"]),
                kept_qualifier=kept["qualifier"],
            )
        )
    return out
