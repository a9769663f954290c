"""Read-only previews against a real DuckDB file: what a load, an undo and a restore would change."""

from __future__ import annotations

from parsed_factory import figure, parsed

from metrics.store import Store

DY, WF, WH = "东营经济技术开发区", "潍坊滨海经济技术开发区", "威海南海新区"


def seeded(db_path) -> Store:
    store = Store(db_path)
    report = store.load(
        parsed(
            "published.xlsx",
            [
                figure(DY, "revenue", 15_223_000, reference="2024年统计公报第2段"),
                figure(WF, "revenue", 800),
                figure(WH, "revenue", 500),
                figure(WH, "national_platforms", 110, qualifier="at_least"),
            ],
        )
    )
    assert report.status == "loaded"
    return store


def test_preview_lists_new_replaced_and_unchanged_figures_with_the_old_ones(db_path):
    store = seeded(db_path)
    before = store.data_version(), len(store.loads())
    incoming = parsed(
        "update.xlsx",
        [
            figure("青岛新区示范园", "revenue", 70),
            figure(WH, "revenue", 500),  # equal: unchanged
            figure(DY, "revenue", 1650),  # the cited, reported figure replaced by an uncited one
            figure(WF, "revenue", 820),  # replaced, but neither had a reference: no confirmation
            figure(WH, "national_platforms", 110, qualifier="approx"),  # same value, other qualifier: replaced
        ],
    )
    preview = store.preview(incoming)
    assert preview.counts() == {"replaced": 3, "new": 1, "unchanged": 1}
    assert list(preview.figures["status"]) == ["replaced"] * 3 + ["new", "unchanged"]  # replaced first
    dy = preview.replaced[preview.replaced["park"] == DY].iloc[0]
    assert (dy["value"], dy["old_value"], dy["old_qualifier"], dy["old_basis"]) == (
        1650,
        15_223_000,
        "exact",
        "reported",
    )
    assert dy["old_reference"] == "2024年统计公报第2段" and dy["old_source"] == "published.xlsx!!2"
    assert dy["source"] == "update.xlsx!!4" and dy["loses_citation"]
    assert preview.losing_citation == 1
    assert list(preview.new["park"]) == ["青岛新区示范园"] and list(preview.unchanged["park"]) == [WH]
    assert (store.data_version(), len(store.loads())) == before  # nothing written
    # The preview's counts are what the load then does.
    report = store.load(incoming)
    assert (report.rows_replaced, report.rows_unchanged, report.rows_new) == (3, 1, 1)


def test_a_reported_figure_replaced_by_an_illustrative_one_needs_confirmation(db_path):
    store = seeded(db_path)
    preview = store.preview(parsed("demo.xlsx", [figure(WF, "revenue", 900, basis="illustrative")]))
    assert preview.counts()["replaced"] == 1 and preview.losing_citation == 1
    cited = store.preview(parsed("cited.xlsx", [figure(DY, "revenue", 15_300_000, reference="2025年公报")]))
    assert cited.losing_citation == 0


def test_preview_keeps_the_last_of_a_key_written_twice(db_path):
    store = seeded(db_path)
    preview = store.preview(parsed("twice.xlsx", [figure(WF, "revenue", 1), figure(WF, "revenue", 800)]))
    assert preview.counts() == {"replaced": 0, "new": 0, "unchanged": 1}


def test_undo_preview_names_the_file_and_counts_what_undo_then_does(db_path):
    store = seeded(db_path)
    second = store.load(parsed("update.xlsx", [figure(WF, "revenue", 820), figure("青岛新区示范园", "revenue", 70)]))
    expected = store.undo_preview(second.load_id)
    assert expected == {"load_id": 2, "file": "update.xlsx", "status": "loaded", "removed": 2, "brought_back": 1}
    done = store.undo_load(second.load_id)
    assert (done["removed"], done["brought_back"]) == (expected["removed"], expected["brought_back"])
    assert store.undo_preview(second.load_id)["status"] == "undone"
    assert store.undo_preview(99) is None


def test_restore_preview_names_the_value_its_file_and_the_value_it_displaces(db_path):
    store = seeded(db_path)
    store.load(parsed("update.xlsx", [figure(WF, "revenue", 820)]))
    [history_id] = store.history(WF, None, "2024-01-01", "2024-12-31", "revenue")["history_id"]
    preview = store.restore_preview(int(history_id))
    assert (preview["value"], preview["file"], preview["current_value"]) == (800, "published.xlsx", 820)
    assert (preview["removed"], preview["brought_back"]) == (1, 1)
    assert store.restore_preview(999) is None


def test_undo_preview_follows_the_rule_of_the_latest_event_still_in_effect(db_path):
    """100, 120, 130 stated by loads 1-3; undo 2, then undo 3: the 100 of load 1 comes back."""
    store = Store(db_path)
    for n, value in enumerate((100, 120, 130), start=1):
        store.load(parsed(f"v{n}.xlsx", [figure(DY, "revenue", value)]))
    assert store.undo_preview(2) == {
        "load_id": 2,
        "file": "v2.xlsx",
        "status": "loaded",
        "removed": 0,
        "brought_back": 0,
    }
    store.undo_load(2)
    expected = store.undo_preview(3)
    assert (expected["removed"], expected["brought_back"]) == (1, 1)
    done = store.undo_load(3)
    assert (done["removed"], done["brought_back"]) == (1, 1)
    assert list(store.observations_frame()["value"]) == [100.0]


def test_undo_preview_of_a_restore(db_path):
    store = seeded(db_path)
    store.load(parsed("update.xlsx", [figure(WF, "revenue", 820)]))
    [history_id] = store.history(WF, None, "2024-01-01", "2024-12-31", "revenue")["history_id"]
    event = store.restore(int(history_id))["load_id"]
    expected = store.undo_preview(event)
    assert (expected["removed"], expected["brought_back"]) == (1, 1)
    done = store.undo_load(event)
    assert (done["removed"], done["brought_back"]) == (1, 1)
    frame = store.observations_frame()
    assert frame[frame["park"] == WF]["value"].tolist() == [820.0]
