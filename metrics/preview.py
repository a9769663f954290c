"""What loading a file would change, before it is stored: new, replaced and unchanged figures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.model import OBS_COLUMNS

STATUSES = ("replaced", "new", "unchanged")  # also the order in which figures are listed
KEY = ["park", "chain", "period_start", "period_end", "indicator"]
OLD_COLUMNS = ("old_value", "old_qualifier", "old_basis", "old_reference", "old_source", "old_load_id")
# Columns of LoadPreview.figures: the file's figure (OBS_COLUMNS), what happens to it, the current one.
PREVIEW_COLUMNS = (*OBS_COLUMNS, "status", *OLD_COLUMNS, "loses_citation")


@dataclass(frozen=True)
class LoadPreview:
    """Every figure of a file (the last of a key written twice) with its status: replaced ones first
    (with the current value, qualifier, basis, 出处 and source they replace), then new, then unchanged."""

    figures: pd.DataFrame  # PREVIEW_COLUMNS

    @classmethod
    def of(cls, frame: pd.DataFrame, met: pd.DataFrame | None) -> LoadPreview:
        """The preview of a file's figures (one per key) given the ones that meet a current figure
        (store_preview.sql `preview_met`: seq = position in `frame`, unchanged, old_*, loses_citation);
        every other figure is new."""
        n = len(frame)
        status = np.full(n, STATUSES.index("new"), dtype=np.int8)
        loses = np.zeros(n, dtype=bool)
        at = met["seq"].to_numpy() if met is not None and len(met) else np.array([], dtype=np.int64)
        if len(at):
            status[at] = np.where(met["unchanged"].to_numpy(dtype=bool), 2, 0)
            loses[at] = met["loses_citation"].fillna(False).to_numpy(dtype=bool)
        order = np.argsort(status, kind="stable")  # replaced, then new, then unchanged; file order within
        # The current figure's columns are Categoricals and floats, empty but for replaced figures: a
        # million-figure file costs no Python object per figure here.
        old = {}
        for c in OLD_COLUMNS:
            if c in ("old_value", "old_load_id"):
                column = np.full(n, np.nan)
                if len(at):
                    column[at] = met[c].to_numpy(dtype=float, na_value=np.nan)
                old[c] = column[order]
            else:
                codes = np.full(n, -1, dtype=np.int32)
                categories: list = []
                if len(at):
                    found, uniques = pd.factorize(met[c])
                    codes[at], categories = found, list(uniques)
                old[c] = pd.Categorical.from_codes(codes[order], categories=categories)
        figures = pd.DataFrame(
            {
                **{c: frame[c].take(order).reset_index(drop=True) for c in OBS_COLUMNS},
                "status": pd.Categorical.from_codes(status[order], categories=list(STATUSES)),
                **old,
                "loses_citation": loses[order],
            }
        )
        return cls(figures)

    @classmethod
    def all_unchanged(cls, frame: pd.DataFrame) -> LoadPreview:
        """Every figure unchanged: the very same file is loaded already, so loading it changes nothing."""
        met = pd.DataFrame({"seq": np.arange(len(frame)), "unchanged": True, "loses_citation": False})
        for c in OLD_COLUMNS:
            met[c] = None
        return cls.of(frame, met)

    def count(self, status: str) -> int:
        return int((self.figures["status"] == status).sum())

    @property
    def new(self) -> pd.DataFrame:
        return self.figures[self.figures["status"] == "new"]

    @property
    def replaced(self) -> pd.DataFrame:
        return self.figures[self.figures["status"] == "replaced"]

    @property
    def unchanged(self) -> pd.DataFrame:
        return self.figures[self.figures["status"] == "unchanged"]

    @property
    def losing_citation(self) -> int:
        """Replaced figures that had a 出处 or were reported, replaced by one without: to be confirmed."""
        return int(self.figures["loses_citation"].sum())

    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in STATUSES}


def last_per_key(frame: pd.DataFrame) -> pd.DataFrame:
    """The last figure of each key (a key written twice in a file: the later figure is the one loaded)."""
    keys = frame[KEY].astype(object).where(frame[KEY].notna(), None)
    return frame[~keys.duplicated(keep="last").to_numpy()].reset_index(drop=True)
