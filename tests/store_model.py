"""A plain-Python reference model of the store's rule, and a Hypothesis state machine comparing the two.

The rule (docs/ARCHITECTURE.md, "Which value is current"): loads that store something and restores are
events, numbered in one sequence; a key's current figure is the one stated by the latest event that is not
undone, or none. A load states every figure of its file (also the ones equal to the current value); a load in
which every figure equals the current one changes nothing and is no event; a restore states the one figure it
brings back. The model keeps the events and computes the current figures from them alone; the history is
modelled as the log of figures that stopped being current, in the order the store writes it.

Used by tests/test_store_model.py (a modest run in `make test`) and bench/bench_store_model.py (a long run).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from parsed_factory import bad_row, figure, parsed

from metrics.store import Store, StoreError

PARKS = ("东营经济技术开发区", "潍坊滨海经济技术开发区")
INDICATORS = ("revenue", "satisfaction")
PERIODS = ((dt.date(2024, 1, 1), dt.date(2024, 12, 31)), (dt.date(2024, 1, 1), dt.date(2024, 9, 30)))
CHAINS = (None, "新材料")
VALUES = (0.0, 100.0, 120.0, 130.0)
QUALIFIERS = ("exact", "at_least", "approx")
BASES = ("reported", "illustrative")
REFERENCES = (None, "年报第3页")

Key = tuple  # (park, chain, period_start, period_end, indicator)
Figure = tuple  # (value, qualifier, basis, reference, source)


def key_of(row: dict) -> Key:
    return (row["park"], row["chain"], row["period_start"], row["period_end"], row["indicator"])


def figure_of(row: dict) -> Figure:
    return (row["value"], row["qualifier"], row["basis"], row["reference"], row["source"])


def same_figure(a: Figure, b: Figure) -> bool:
    """Equal in what the store compares: value, qualifier, basis and reference (not where it was read)."""
    return a[:4] == b[:4]


@dataclass
class Event:
    kind: str  # "file" | "restore"
    states: dict[Key, Figure]
    undone: bool = False


@dataclass
class HistoryEntry:
    key: Key
    figure: Figure
    stated_by: int  # the event whose figure it was
    replaced_by: str  # "load" | "restore" | "undo"
    replaced_by_event: int | None
    restored: bool = False

    def row(self) -> tuple:
        return (*self.key, *self.figure, self.stated_by, self.replaced_by, self.replaced_by_event, self.restored)


@dataclass
class ReferenceStore:
    """What the store must hold, computed from the rule."""

    events: dict[int, Event] = field(default_factory=dict)
    history: list[HistoryEntry] = field(default_factory=list)
    next_event: int = 1

    def current(self) -> dict[Key, tuple[Figure, int]]:
        """The rule itself: per key, the figure of the latest event not undone that states it."""
        out: dict[Key, tuple[Figure, int]] = {}
        for event_id in sorted(self.events):
            event = self.events[event_id]
            if not event.undone:
                for key, fig in event.states.items():
                    out[key] = (fig, event_id)
        return out

    def load(self, figures: list[dict]) -> tuple[str, int, int, int]:
        """(status, rows_loaded, rows_replaced, rows_unchanged) of a file's valid figures."""
        states: dict[Key, Figure] = {}
        for row in figures:  # a key written twice: the later figure is kept
            states[key_of(row)] = figure_of(row)
        now = self.current()
        replaced = sum(1 for k, f in states.items() if k in now and not same_figure(now[k][0], f))
        unchanged = sum(1 for k, f in states.items() if k in now and same_figure(now[k][0], f))
        if replaced == 0 and unchanged == len(states):
            return "unchanged", len(states), 0, unchanged
        event_id = self._new_event(Event("file", states))
        for k in states:
            if k in now:
                self.history.append(HistoryEntry(k, now[k][0], now[k][1], "load", event_id))
        return "loaded", len(states), replaced, unchanged

    def restore(self, entry: HistoryEntry) -> None:
        now = self.current()
        event_id = self._new_event(Event("restore", {entry.key: entry.figure}))
        if entry.key in now:
            self.history.append(HistoryEntry(entry.key, *now[entry.key], "restore", event_id))
        entry.restored = True

    def undo(self, event_id: int) -> tuple[int, int]:
        """(removed, brought_back); raises KeyError/ValueError where the store refuses."""
        event = self.events[event_id]
        if event.undone:
            raise ValueError("already undone")
        before = self.current()
        event.undone = True
        after = self.current()
        removed = brought_back = 0
        for key, (fig, stated_by) in before.items():
            if stated_by != event_id:
                continue
            removed += 1
            self.history.append(HistoryEntry(key, fig, stated_by, "undo", None))
            if key in after:
                brought_back += 1
                back_fig, back_event = after[key]
                entry = next(
                    e
                    for e in reversed(self.history)
                    if e.key == key and e.stated_by == back_event and same_figure(e.figure, back_fig)
                )
                entry.restored = True
        return removed, brought_back

    def _new_event(self, event: Event) -> int:
        event_id = self.next_event
        self.next_event += 1
        self.events[event_id] = event
        return event_id


figures_st = st.fixed_dictionaries(
    {
        "park": st.sampled_from(PARKS),
        "chain": st.sampled_from(CHAINS),
        "period": st.sampled_from(PERIODS),
        "indicator": st.sampled_from(INDICATORS),
        "value": st.sampled_from(VALUES),
        "qualifier": st.sampled_from(QUALIFIERS),
        "basis": st.sampled_from(BASES),
        "reference": st.sampled_from(REFERENCES),
    }
)


class StoreMachine(RuleBasedStateMachine):
    """Random loads, reloads, undos and restores on a real DuckDB file, checked against ReferenceStore."""

    def __init__(self):
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="store-model-"))
        self.store = self.open_store(self.dir)
        self.model = ReferenceStore()
        self.files: list[tuple[str, list[dict]]] = []  # every file offered so far, for reloads

    def open_store(self, directory: Path) -> Store:
        """The store under test: a DuckDB file here; tests/test_store_model.py opens a shared store too."""
        return Store(directory / "parks.duckdb")

    def close_store(self) -> None:
        """Release what open_store took (nothing for a file: the directory goes)."""

    def teardown(self):
        self.close_store()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- rules --------------------------------------------------------------------------------

    @rule(rows=st.lists(figures_st, min_size=1, max_size=5), bad=st.sampled_from(["none", "reject", "skip"]))
    def load_file(self, rows, bad):
        """A new file; `bad` adds a row error: the file is refused, or loaded without that row."""
        name = f"f{len(self.files) + 1}.csv"
        figures = [
            figure(
                r["park"],
                r["indicator"],
                r["value"],
                chain=r["chain"],
                period=r["period"],
                qualifier=r["qualifier"],
                basis=r["basis"],
                reference=r["reference"],
                source=f"{name}!!{n}",
            )
            for n, r in enumerate(rows, start=2)
        ]
        self.files.append((name, figures))
        self._load(name, figures, bad)

    @precondition(lambda self: self.files)
    @rule(pick=st.integers(min_value=0))
    def reload_file(self, pick):
        """The same file (same bytes) again: unchanged while its figures are all current, else loaded."""
        name, figures = self.files[pick % len(self.files)]
        self._load(name, figures, "none")

    @precondition(lambda self: self.model.next_event > 1)
    @rule(pick=st.integers(min_value=1), in_effect_only=st.booleans())
    def undo(self, pick, in_effect_only):
        events = sorted(self.model.events)
        if in_effect_only:
            events = [e for e in events if not self.model.events[e].undone] or events
        event_id = events[pick % len(events)]
        try:
            expected = self.model.undo(event_id)
        except ValueError:
            try:
                self.store.undo_load(event_id)
            except StoreError:
                return
            raise AssertionError(f"undo of undone event {event_id} was accepted") from None
        preview = self.store.undo_preview(event_id)  # what the confirmation on 数据管理 says
        detail = self.store.undo_load(event_id)
        assert (detail["removed"], detail["brought_back"]) == expected, (event_id, detail, expected)
        assert (preview["removed"], preview["brought_back"]) == expected, (event_id, preview, expected)

    @rule()
    def undo_unknown(self):
        try:
            self.store.undo_load(self.model.next_event + 100)
        except StoreError:
            return
        raise AssertionError("undo of an unknown load was accepted")

    @precondition(lambda self: self.model.history)
    @rule(pick=st.integers(min_value=0))
    def restore(self, pick):
        history = self.store.query("SELECT * FROM observation_history ORDER BY history_id")
        row = history.iloc[pick % len(history)]
        wanted = self._history_row(row)
        entry = next(e for e in self.model.history if e.row() == wanted)
        self.model.restore(entry)
        detail = self.store.restore(int(row["history_id"]))
        assert detail["load_id"] == self.model.next_event - 1

    # -- checks after every step --------------------------------------------------------------

    @invariant()
    def current_figures_follow_the_rule(self):
        frame = self.store.observations_frame()
        actual = {
            key_of(r): (figure_of(r), int(r["load_id"])) for r in (self._row(rec) for rec in frame.to_dict("records"))
        }
        assert len(actual) == len(frame), "a key is current twice"
        assert actual == self.model.current()

    @invariant()
    def history_tells_the_whole_story(self):
        history = self.store.query("SELECT * FROM observation_history")
        actual = sorted((self._history_row(r) for _, r in history.iterrows()), key=repr)
        assert actual == sorted((e.row() for e in self.model.history), key=repr)

    @invariant()
    def load_statuses_match(self):
        loads = self.store.loads()
        actual = {int(i): (k, s) for i, k, s in zip(loads["load_id"], loads["kind"], loads["status"], strict=True)}
        expected = {i: (e.kind, "undone" if e.undone else "loaded") for i, e in self.model.events.items()}
        assert actual == expected

    # -- helpers --------------------------------------------------------------------------------

    def _load(self, name: str, figures: list[dict], bad: str) -> None:
        errors = [bad_row()] if bad != "none" else None
        report = self.store.load(parsed(name, figures, errors=errors), skip_bad_rows=bad == "skip")
        if bad == "reject":
            assert report.status == "rejected"
            return
        expected = self.model.load(figures)
        actual = (report.status, report.rows_loaded, report.rows_replaced, report.rows_unchanged)
        assert actual == expected, (name, actual, expected)
        if report.status == "loaded":
            assert report.load_id == self.model.next_event - 1

    @staticmethod
    def _row(rec: dict) -> dict:
        out = dict(rec)
        out["chain"] = rec["chain"] if isinstance(rec["chain"], str) else None
        out["reference"] = rec["reference"] if isinstance(rec["reference"], str) else None
        out["period_start"] = _date(rec["period_start"])
        out["period_end"] = _date(rec["period_end"])
        return out

    def _history_row(self, r) -> tuple:
        rec = self._row(dict(r))
        replaced_by_event = None if _missing(rec["replaced_by_load"]) else int(rec["replaced_by_load"])
        return (
            *key_of(rec),
            *figure_of(rec),
            int(rec["load_id"]),
            rec["replaced_by"],
            replaced_by_event,
            bool(rec["restored"]),
        )


def _date(value) -> dt.date:
    return pd.Timestamp(value).date()


def _missing(value) -> bool:
    return value is None or bool(pd.isna(value))
