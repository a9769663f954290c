"""Analysts scoped to parks: the accounts file, the CLI line, the store's refusals and audit, the upload page."""

# ruff: noqa: F811  (app_db is a fixture imported from app_data and requested by name)
from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import pytest
from app_data import DY, WF, app_db, open_page  # noqa: F401
from conftest import ROOT, python_env
from ingest_support import xlsx_bytes
from parsed_factory import figure, parsed

from metrics.accounts import ACCOUNTS_FILE_ENV, AccountsError, account_line, hash_password, load_accounts
from metrics.dbfile import StoreError
from metrics.store import Store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HASH = hash_password("dongying-2024", iterations=10_000)


def accounts_from(tmp_path, text: str):
    path = tmp_path / "analysts.toml"
    path.write_text(text, encoding="utf-8")
    return load_accounts({ACCOUNTS_FILE_ENV: str(path)}), path


# -- the accounts file ---------------------------------------------------------------------------------------


def test_an_account_may_be_limited_to_parks_by_name_or_alias(tmp_path):
    accounts, _ = accounts_from(
        tmp_path,
        f'[analysts]\n"统计员甲" = {{ hash = "{HASH}", parks = ["东营经开区", "潍坊滨海经济技术开发区"] }}\n'
        f'"处长" = "{HASH}"\n',
    )
    assert accounts.parks_of("统计员甲") == (DY, WF)  # the alias is stored as the catalog name
    assert accounts.parks_of("处长") is None  # every park
    assert accounts.get("统计员甲") is not None


def test_every_problem_of_a_scope_is_named_at_once(tmp_path):
    text = (
        "[analysts]\n"
        f'"甲" = {{ hash = "{HASH}", parks = ["东营经开", "不存在园区"] }}\n'
        f'"乙" = {{ hash = "{HASH}", parks = [] }}\n'
        f'"丙" = {{ hash = "{HASH}", parks = "东营经开区", role = "admin" }}\n'
        '"丁" = { parks = ["东营经开区"] }\n'
    )
    with pytest.raises(AccountsError) as caught:
        accounts_from(tmp_path, text)
    zh = "\n".join(caught.value.lines("zh"))
    en = "\n".join(caught.value.lines("en"))
    assert "园区“东营经开”不在园区目录中" in zh and "园区“不存在园区”不在园区目录中" in zh
    assert "“乙”的 parks 为空" in zh
    assert "“丙”的 parks 应为园区名称的列表" in zh and "未知的键“role”" in zh
    assert "account '丁' must map to a password hash string" in en
    assert len(caught.value.problems) == 6


def test_a_scoped_account_line_round_trips_and_the_secrets_table_takes_it_too(tmp_path):
    line = account_line("统计员甲", HASH, (DY,))
    assert tomllib.loads(line)["统计员甲"] == {"hash": HASH, "parks": [DY]}
    accounts = load_accounts({}, {"统计员乙": {"hash": HASH, "parks": ["山东潍坊滨海经济技术开发区"]}})
    assert accounts.parks_of("统计员乙") == (WF,)
    top_level, _ = accounts_from(tmp_path, line + "\n")  # a file may hold accounts at top level too
    assert top_level.parks_of("统计员甲") == (DY,)


def test_analyst_hash_accepts_parks(tmp_path):
    env = python_env(tmp_path / "unused.duckdb")
    cmd = [
        sys.executable,
        "-m",
        "metrics",
        "analyst-hash",
        "统计员甲",
        "--iterations",
        "10000",
        "--parks",
        "东营经开区",
    ]
    done = subprocess.run(cmd, input="password-123\n", capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    entry = tomllib.loads(done.stdout)["统计员甲"]
    assert entry["parks"] == [DY] and entry["hash"].startswith("pbkdf2_sha256$10000$")
    bad = subprocess.run([*cmd[:-1], "东营"], input="password-123\n", capture_output=True, text=True, env=env, cwd=ROOT)
    assert bad.returncode == 2 and "东营" in bad.stderr and not bad.stdout


# -- the store -----------------------------------------------------------------------------------------------


def audit_details(store, action):
    audit = store.audit()
    return [json.loads(d) for d in audit.loc[audit["action"] == action, "detail"]]


def test_a_file_with_other_parks_is_refused_naming_them_and_nothing_is_stored(db_path):
    store = Store(db_path)
    mixed = parsed("mixed.xlsx", [figure(DY, "revenue", 1), figure(WF, "revenue", 2), figure("新园区", "revenue", 3)])
    report = store.load(mixed, actor="甲@s", allowed_parks=(DY,))
    assert report.status == "rejected"
    assert f"新园区、{WF}" in report.fatal and "未导入任何数据" in report.fatal
    assert f"新园区, {WF}" in report.fatal_en and "Nothing was loaded" in report.fatal_en
    assert store.observations_frame().empty and store.audit().empty
    # The same file for an unscoped caller loads as before; a scoped one loads its own park's file.
    own = store.load(parsed("own.xlsx", [figure(DY, "revenue", 5)]), actor="甲@s", allowed_parks=(DY,))
    assert own.status == "loaded"
    assert store.load(mixed, actor="cli").status == "loaded"
    scoped, unscoped = audit_details(store, "load")[::-1]
    assert scoped["scope"] == [DY] and "scope" not in unscoped


def test_undo_and_restore_of_other_parks_are_refused(db_path):
    store = Store(db_path)
    first = store.load(parsed("first.xlsx", [figure(DY, "revenue", 1), figure(WF, "revenue", 2)]), actor="cli")
    second = store.load(parsed("second.xlsx", [figure(DY, "revenue", 10), figure(WF, "revenue", 20)]), actor="cli")
    own = store.load(parsed("own.xlsx", [figure(DY, "national_platforms", 3)]), actor="甲@s", allowed_parks=(DY,))
    with pytest.raises(StoreError) as caught:
        store.undo_load(second.load_id, actor="甲@s", allowed_parks=(DY,))
    assert WF in caught.value.message_zh and f"导入 {second.load_id}" in caught.value.message_zh
    assert "Nothing was changed" in caught.value.message_en
    wf_history = store.query("SELECT history_id FROM observation_history WHERE park = $park", {"park": WF})[
        "history_id"
    ].tolist()
    with pytest.raises(StoreError) as caught:
        store.restore(wf_history[0], actor="甲@s", allowed_parks=(DY,))
    assert WF in caught.value.message_en and "restore" in caught.value.message_en
    assert store.query("SELECT count(*) AS n FROM observations WHERE value IN (10, 20)")["n"].iloc[0] == 2
    done = store.undo_load(own.load_id, actor="甲@s", allowed_parks=(DY,))
    assert done["scope"] == [DY] and done["removed"] == 1
    assert audit_details(store, "undo")[0]["scope"] == [DY]
    assert first.status == "loaded"


# -- the pages (AppTest) -------------------------------------------------------------------------------------


@pytest.fixture
def scoped_account(tmp_path, monkeypatch):
    from ui.auth import analyst_gate

    path = tmp_path / "analysts.toml"
    path.write_text("[analysts]\n" + account_line("统计员甲", HASH, ("东营经开区",)) + "\n", encoding="utf-8")
    monkeypatch.setenv(ACCOUNTS_FILE_ENV, str(path))
    analyst_gate.clear()
    yield path
    analyst_gate.clear()


def office_workbook(*parks: str) -> bytes:
    """As a statistics office sends it: a title row, a 单位 line, the table, a note below."""
    rows = [["2024年园区主要指标", None, None], ["单位：万元", None, None], ["园区", "年份", "营业收入"]]
    rows += [[park, 2024, 1000 + 100 * n] for n, park in enumerate(parks)]
    rows += [["注：数据来源于各园区统计报表。", None, None]]
    return xlsx_bytes({"2024年": rows}, merges={"2024年": ["A1:C1"]})


def sign_in(at) -> None:
    at.text_input(key="analyst_name").input("统计员甲")
    at.text_input(key="analyst_password").input("dongying-2024")
    at.button(key="analyst_login_submit").click().run()
    assert not at.exception, at.exception


def upload(at, name: str, data: bytes) -> None:
    uploader = next(w for w in at.get("file_uploader") if w.key.startswith("upload_files"))
    uploader.upload(name, data, XLSX).run()
    assert not at.exception, at.exception


def test_a_scoped_analyst_is_refused_a_file_with_other_parks_before_loading(app_db, scoped_account):
    at = open_page("pages/upload.py")
    upload(at, "两个园区.xlsx", office_workbook("东营经开区", "潍坊滨海区"))
    sign_in(at)
    assert any("只能导入、撤销和恢复这些园区的数据：东营经济技术开发区" in c.value for c in at.caption)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "两个园区.xlsx" in errors[0] and WF in errors[0] and "未导入任何数据" in errors[0]
    assert at.button(key="load_all").disabled and at.button(key="load_valid").disabled


def test_a_scoped_analyst_loads_own_park_and_the_audit_names_the_scope(app_db, scoped_account):
    at = open_page("pages/upload.py")
    upload(at, "东营.xlsx", office_workbook("东营经开区"))
    sign_in(at)
    assert not at.error and not at.button(key="load_all").disabled
    at.button(key="load_all").click().run()
    assert not at.exception, at.exception
    assert any("已导入 1 条数据" in s.value for s in at.success), [s.value for s in at.success]
    audit = Store(app_db).audit()
    detail = json.loads(audit["detail"].iloc[0])
    assert audit["actor"].iloc[0].startswith("统计员甲@") and detail["scope"] == [DY]

    # The fixture's own load (all parks) may not be undone by this account: refused with the reason.
    at.switch_page("pages/data.py").run()
    fixture_load = int(Store(app_db).loads().sort_values("load_id")["load_id"].iloc[0])
    at.selectbox(key="undo_pick_0").set_value(fixture_load).run()
    at.button(key="undo_button").click().run()
    at.button(key="undo_confirm").click().run()  # undo asks first (the file and the counts)
    assert not at.exception, at.exception
    assert any(WF in e.value and "未做任何更改" in e.value for e in at.error), [e.value for e in at.error]
    assert Store(app_db).loads().set_index("load_id").loc[fixture_load, "status"] == "loaded"


def test_a_scoped_restore_of_its_own_park_is_allowed_and_audited_with_the_scope(db_path):
    store = Store(db_path)
    store.load(parsed("first.xlsx", [figure(DY, "revenue", 1)]), actor="甲@s", allowed_parks=(DY,))
    store.load(parsed("second.xlsx", [figure(DY, "revenue", 2)]), actor="甲@s", allowed_parks=(DY,))
    old = store.query("SELECT history_id FROM observation_history WHERE value = 1")["history_id"].iloc[0]
    done = store.restore(int(old), actor="甲@s", allowed_parks=(DY,))
    assert done["scope"] == [DY] and audit_details(store, "restore")[0]["scope"] == [DY]
    # The restore is an event of its own; undoing it stays within the park too.
    undone = store.undo_load(done["load_id"], actor="甲@s", allowed_parks=(DY,))
    assert undone["scope"] == [DY]
    assert store.query("SELECT value FROM observations")["value"].tolist() == [2.0]
