"""Shared records: an observation (CONTRACT §1), a problem found while reading, a file's report."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas

QUALIFIERS = ("exact", "at_least", "approx")
BASES = ("reported", "illustrative")  # reported = from a published source; illustrative = made up to show trends


_OPTIONAL_TEXT = ("chain", "reference")


@dataclass(frozen=True)
class Observation:
    park: str
    chain: str | None
    period_start: dt.date
    period_end: dt.date
    indicator: str
    value: float
    qualifier: str = "exact"
    source: str = ""  # file!sheet!row (CSV: file!!row)
    # Extensions to CONTRACT §1 (added, never renamed):
    basis: str = "reported"
    reference: str | None = None  # the report/paragraph a figure was taken from, when the file says

    @property
    def key(self) -> tuple:
        return (self.park, self.chain, self.period_start, self.period_end, self.indicator)


@dataclass(frozen=True)
class Problem:
    """One row error: where it is, what was written, and why it is refused (zh and en)."""

    sheet: str
    row: int | None
    column: str | None
    value: str | None
    message: str  # Chinese, shown by default
    message_en: str = ""

    def as_contract(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass(frozen=True)
class Duplicate:
    """A figure written twice in one file: the earlier one is dropped, the later one kept."""

    park: str
    chain: str | None
    period_start: dt.date
    period_end: dt.date
    indicator: str
    dropped_source: str
    dropped_value: float
    dropped_qualifier: str
    kept_source: str
    kept_value: float
    kept_qualifier: str

    @property
    def conflicting(self) -> bool:
        """The two figures differ (a typo or a revised figure), not just the same figure twice."""
        return (self.dropped_value, self.dropped_qualifier) != (self.kept_value, self.kept_qualifier)

    def as_contract(self) -> dict:
        return {
            "park": self.park,
            "chain": self.chain,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "indicator": self.indicator,
            "dropped": {
                "source": self.dropped_source,
                "value": self.dropped_value,
                "qualifier": self.dropped_qualifier,
            },
            "kept": {"source": self.kept_source, "value": self.kept_value, "qualifier": self.kept_qualifier},
        }


@dataclass(frozen=True)
class UnmatchedLabel:
    """A column or row label that holds numbers but matches no catalog indicator, with the indicator that
    would be made of it: name_zh without `其中：`, unit brackets and spaces; unit with money in 万元/万美元."""

    label: str  # as written
    name_zh: str
    unit: str
    sheet: str
    where: str  # the label's cell, as Excel names it (`C4`)

    def as_contract(self) -> dict:
        return {
            "label": self.label,
            "name_zh": self.name_zh,
            "unit": self.unit,
            "sheet": self.sheet,
            "where": self.where,
        }


@dataclass(frozen=True)
class FixableCell:
    """A value cell that could not be read, and the figure it stands for: a corrected text becomes it."""

    park: str
    chain: str | None
    period_start: dt.date
    period_end: dt.date
    indicator: str
    unit: str  # the indicator's unit
    factor: float  # the header's unit factor (营业收入(亿元): 10000), as for the column's other cells
    source: str
    basis: str = "reported"
    reference: str | None = None


@dataclass
class IngestReport:
    """What reading one file found; `status` is set by the store when it loads (or refuses) it."""

    file: str
    status: str = "pending"  # loaded | unchanged | rejected | dry_run (checked, nothing stored) | pending
    rows_loaded: int = 0
    missing: int = 0
    totals_skipped: int = 0
    new_parks: list[str] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    fatal: str | None = None  # why nothing at all could be read (zh); None when readable
    fatal_en: str | None = None
    skipped_rows: int = 0  # rows left out by --skip-bad-rows / "load valid rows only"
    # Extensions to the CONTRACT §5 record (added, never renamed): figures whose key came again later
    # in the file (dropped; the later figure is kept), and the first of them with their replacements.
    duplicate_figures: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    # Labels that match no indicator (CONTRACT §2b), and the indicators made of them when the reader was
    # asked to (add_indicators): {"id", "name_zh", "unit"} each.
    unmatched_labels: list[UnmatchedLabel] = field(default_factory=list)
    new_indicators: list[dict] = field(default_factory=list)
    # Set by Store.load (not part of the CONTRACT §5 JSON):
    load_id: int | None = None
    rows_replaced: int = 0  # figures that replaced a different current value
    rows_unchanged: int = 0  # figures equal to the current value, left alone
    # Added after the extensions above (issue 10): plausibility warnings (metrics/plausibility.py), kept
    # with the load's record; bad cells corrected in the preview (original text, corrected text, who).
    warnings: list[Problem] = field(default_factory=list)
    corrections: list[dict] = field(default_factory=list)
    # The new_parks read from a column headed 地区/城市/区县... (CONTRACT §2b): loading adds them to the
    # catalog as regions, so that rankings of parks leave them out.
    new_regions: list[str] = field(default_factory=list)

    @property
    def rows_new(self) -> int:
        """Figures of the file that had no current value (loaded, or in a dry run: would be)."""
        return max(self.rows_loaded - self.rows_replaced - self.rows_unchanged, 0) if self.status != "rejected" else 0

    def as_contract(self) -> dict:
        """The CONTRACT §5 record: the fields above `errors`, then the errors (a fatal reason first)."""
        # Shallow copies (asdict would deep-copy every name of a long new_parks list, one by one).
        d = {k: (list(v) if isinstance(v, list) else v) for k in _CONTRACT_FIELDS for v in [getattr(self, k)]}
        fatal = [Problem(None, None, None, None, self.fatal)] if self.fatal else []
        d["errors"] = [p.as_contract() for p in fatal + self.errors]
        d["duplicate_figures"] = self.duplicate_figures
        d["duplicates"] = [dup.as_contract() for dup in self.duplicates]
        d["unmatched_labels"] = [u.as_contract() for u in self.unmatched_labels]
        d["new_indicators"] = [dict(n) for n in self.new_indicators]
        d["replaced"] = self.rows_replaced if self.status != "rejected" else 0
        d["new"] = self.rows_new
        d["unchanged"] = self.rows_unchanged if self.status != "rejected" else 0
        d["warnings"] = [{**w.as_contract(), "message_en": w.message_en} for w in self.warnings]
        d["corrections"] = list(self.corrections)
        d["new_regions"] = list(self.new_regions)
        return d


_CONTRACT_FIELDS = (
    "file",
    "status",
    "rows_loaded",
    "missing",
    "totals_skipped",
    "new_parks",
    "skipped_sheets",
    "ignored_columns",
)


# Columns of an observations frame, in CONTRACT §1 order, then the extensions.
OBS_COLUMNS = (
    "park",
    "chain",
    "period_start",
    "period_end",
    "indicator",
    "value",
    "qualifier",
    "source",
    "basis",
    "reference",
)


@dataclass
class ParsedFile:
    """Result of reading one file: its observations (columnar, OBS_COLUMNS) and the report.

    `frame` holds only figures from rows without errors; rows with an error are named in
    `report.errors` and counted in `report.skipped_rows`. Columnar because a file may hold
    millions of figures, too many for one Python object each: columns repeating a few values
    are Categoricals, and an empty chain or reference is missing (NaN), not None;
    `observations` gives records with None.
    """

    frame: pandas.DataFrame
    report: IngestReport
    data: bytes | None = None  # the original bytes, kept beside the database when loaded
    # True when read_file checked that no key (park, chain, period, indicator) is in `frame` twice
    # (a figure written again later in the file replaces the earlier one, which is reported): the
    # store need not look for duplicates itself.
    keys_unique: bool = False
    # Indicators made of labels that match none (read with add_indicators): the store must know them
    # (Store.add_indicators) before it loads the frame. metrics.catalog.Indicator records.
    new_indicators: list = field(default_factory=list)
    # Figures of rows whose only errors are bad value cells: the row's other, valid cells. Not in `frame`
    # (a row with an error is left out whole); "load every valid cell" adds them (metrics/cells.py).
    partial_frame: pandas.DataFrame | None = None
    # Per bad value cell, keyed (sheet, row, column) as in its Problem: the figure a corrected text becomes.
    fixable_cells: dict[tuple, FixableCell] = field(default_factory=dict)
    _digest: str = field(default="", init=False, repr=False)  # not copied by dataclasses.replace

    @property
    def content_sha256(self) -> str:
        """SHA-256 of the original bytes ("" without them): computed when first asked (by the store),
        not while the file is read, where it would take a core from the parse."""
        if not self._digest and self.data:
            self._digest = hashlib.sha256(self.data).hexdigest()
        return self._digest

    @property
    def observations(self) -> list[Observation]:
        """The figures as records (for tests and small files)."""
        # chain and reference are Categoricals whose missing entries are NaN: a record says None.
        return [
            Observation(**{k: (None if v != v else v) if k in _OPTIONAL_TEXT else v for k, v in row.items()})
            for row in self.frame.to_dict("records")
        ]
