"""A database the app cannot open (a damaged file, a file of a newer DuckDB, the shared store's PostgreSQL out
of reach): every page says so in the viewer's language, with the reason, instead of a traceback, and the file
is left as it was."""

from __future__ import annotations

import pytest
from app_data import ROOT
from streamlit.testing.v1 import AppTest


def run(page_lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params.update({"lang": page_lang})
    at.run()
    return at


@pytest.mark.parametrize("lang, says", [("zh", "数据库暂时无法使用"), ("en", "The database cannot be used right now")])
def test_a_damaged_file_is_named_not_a_traceback(tmp_path, monkeypatch, lang, says):
    db = tmp_path / "parks.duckdb"
    damaged = b"PK\x03\x04 not a database, an Excel file saved under the wrong name" * 100
    db.write_bytes(damaged)
    monkeypatch.setenv("PARKDASH_DB", str(db))
    at = run(lang)
    assert not at.exception, at.exception
    [error] = at.error
    assert (
        error.value.startswith(says)
        and ("无法打开数据库" if lang == "zh" else "Cannot open the database") in error.value
    )
    assert not at.metric and not at.get("plotly_chart")
    assert db.read_bytes() == damaged  # nothing written over it


def test_the_shared_store_out_of_reach_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PARKDASH_DB", f"ducklake:postgres:dbname=parkdash host={tmp_path / 'no-server'} port=5999")
    monkeypatch.setenv("PARKDASH_LAKE_DATA", str(tmp_path / "lake"))
    at = run("zh")
    assert not at.exception, at.exception
    [error] = at.error
    assert error.value.startswith("数据库暂时无法使用") and "PostgreSQL" in error.value
