"""Named analyst accounts through AppTest: the login form with a name, who is signed in, the audit by name."""

# ruff: noqa: F811  (app_db is a fixture imported from app_data and requested by name)
from __future__ import annotations

import pytest
from app_data import DY, app_db, open_page, picker  # noqa: F401
from conftest import FIXTURES
from ingest_support import xlsx_bytes
from streamlit.testing.v1 import AppTest

from metrics.accounts import ACCOUNTS_FILE_ENV, account_line, hash_password
from metrics.auth import PASSWORD_ENV
from metrics.store import Store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MARKUP_NAME = "<b>x</b> **y**"
USERS = {"张三": "zhang-口令-2024", "李四": "li-si-password", MARKUP_NAME: "markup-password"}


@pytest.fixture
def accounts(tmp_path, monkeypatch):
    """An accounts file (default PBKDF2 rounds) named by PARKDASH_ANALYSTS_FILE; the shared password stays set."""
    from ui.auth import analyst_gate

    path = tmp_path / "analysts.toml"
    lines = ["[analysts]"] + [account_line(n, hash_password(p)) for n, p in USERS.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv(ACCOUNTS_FILE_ENV, str(path))
    monkeypatch.setenv(PASSWORD_ENV, "shared-password")  # ignored once accounts exist
    analyst_gate.clear()
    yield path
    analyst_gate.clear()


def login_app(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(FIXTURES / "auth_app.py"), default_timeout=30)
    at.query_params["lang"] = lang
    return at.run()


def sign_in(at, name: str, password: str) -> None:
    at.text_input(key="analyst_name").input(name)
    at.text_input(key="analyst_password").input(password)
    at.button(key="analyst_login_submit").click().run()
    assert not at.exception, at.exception


def test_login_asks_for_name_and_password_and_says_who(accounts):
    at = login_app()
    assert at.text_input(key="analyst_name").label == "分析员姓名"
    assert at.text_input(key="analyst_password").label == "分析员密码"
    assert "本人的分析员账户" in at.caption[0].value

    sign_in(at, "张三", USERS["李四"])  # someone else's password
    assert [e.value for e in at.error] == ["姓名或密码错误。"]
    sign_in(at, "nobody", USERS["张三"])
    assert [e.value for e in at.error] == ["姓名或密码错误。"]
    sign_in(at, "李四", USERS["李四"])
    assert len(at.success) == 1 and at.success[0].value.startswith("actor=李四@")
    assert "已登录：李四" in [c.value for c in at.caption]
    at.button(key="analyst_logout").click().run()
    assert at.text_input(key="analyst_name") and not at.success

    sign_in(at, "张三", "shared-password")  # the shared password no longer opens anything
    assert [e.value for e in at.error] == ["姓名或密码错误。"] and not at.success


def test_english_labels(accounts):
    at = login_app("en")
    assert at.text_input(key="analyst_name").label == "Analyst name"
    sign_in(at, "张三", "wrong password")
    assert [e.value for e in at.error] == ["Wrong name or password."]


def test_a_name_with_markup_is_shown_as_text(accounts):
    at = login_app()
    sign_in(at, MARKUP_NAME, USERS[MARKUP_NAME])
    assert at.success[0].value.startswith(f"actor={MARKUP_NAME}@")
    shown = [c.value for c in at.caption if c.value.startswith("已登录")]
    assert shown == [r"已登录：\<b\>x\</b\> \*\*y\*\*"]  # markdown-escaped: renders literally
    assert not any(md.proto.allow_html for md in at.get("markdown"))


def test_accounts_from_the_secrets_table(monkeypatch):
    from ui.auth import analyst_gate

    monkeypatch.delenv(ACCOUNTS_FILE_ENV, raising=False)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    analyst_gate.clear()
    try:
        at = AppTest.from_file(str(FIXTURES / "auth_app.py"), default_timeout=30)
        at.secrets["analysts"] = {"王五": hash_password("wang-wu-password")}
        at.run()
        sign_in(at, "王五", "wang-wu-password")
        assert at.success[0].value.startswith("actor=王五@")
    finally:
        analyst_gate.clear()


def test_a_broken_accounts_file_blocks_sign_in_but_not_viewing(app_db, accounts):
    accounts.write_text('[analysts]\n"张三" = "plain-password"\n"" = "x"\n', encoding="utf-8")
    at = open_page("pages/upload.py")  # every page still runs
    uploader = next(w for w in at.get("file_uploader") if w.key.startswith("upload_files"))
    uploader.upload("a.xlsx", workbook(), XLSX).run()
    assert not at.exception, at.exception
    assert at.error[0].value.startswith("分析员账户配置有误")
    problems = [e.value for e in at.text if str(accounts) in e.value]
    assert len(problems) == 2 and any("账户“张三”的密码哈希无效" in p for p in problems)
    assert not [w for w in at.get("text_input") if w.key in ("analyst_name", "analyst_password")]
    assert all(b.key not in ("load_all", "load_valid") for b in at.button)


def workbook() -> bytes:
    header = ["园区", "年份", "营业收入(万元)"]
    return xlsx_bytes({"2024年": [header, ["青岛新区示范园", 2024, 1500], [DY, 2024, 1150]]})


def test_named_analyst_loads_and_the_audit_names_them(app_db, accounts):
    at = open_page("pages/upload.py")
    uploader = next(w for w in at.get("file_uploader") if w.key.startswith("upload_files"))
    uploader.upload("张三的数据.xlsx", workbook(), XLSX).run()
    sign_in(at, "张三", USERS["张三"])
    at.button(key="load_all").click().run()
    assert not at.exception, at.exception
    assert any("已导入 2 条数据" in s.value for s in at.success), [s.value for s in at.success]

    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    loads = at.dataframe[0].value
    assert loads["操作人"].iloc[0].startswith("张三@")  # newest first
    audit = at.dataframe[-1].value
    assert list(audit["操作"])[0] == "导入"
    actor = audit["操作人"].iloc[0]
    assert actor.startswith("张三@") and len(actor) == len("张三@") + 8  # name and session, as before

    # The sign-in carries over to the data page: undo as the same person.
    picker(at, "undo_pick").select_index(0).run()
    at.button(key="undo_button").click().run()
    at.button(key="undo_confirm").click().run()
    assert not at.exception, at.exception
    audit = at.dataframe[-1].value
    assert list(audit["操作"])[:2] == ["撤销", "导入"] and list(audit["操作人"])[:2] == [actor, actor]
    # The database, not only the page, says it: the load is undone, its new park gone, the replaced value back.
    store = Store(app_db)
    assert store.loads()["status"].tolist()[0] == "undone"
    current = store.observations_frame()
    assert "青岛新区示范园" not in set(current["park"])
    revenue = current[(current["park"] == DY) & current["chain"].isna() & (current["indicator"] == "revenue")]
    assert sorted(revenue["value"]) == [1000.0, 1100.0]  # 2023 and 2024 as the fixture had them, not 1150


def test_an_unparseable_secrets_file_with_an_analysts_table_is_an_error(tmp_path):
    import streamlit as st
    from streamlit import config

    from metrics.accounts import AccountsError
    from ui import auth as ui_auth

    path = tmp_path / "secrets.toml"
    path.write_text('[analysts]\n"张三" = pbkdf2 not quoted\n', encoding="utf-8")
    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(path)])
    st.secrets._reset()
    try:
        with pytest.raises(AccountsError) as caught:
            ui_auth._secrets_accounts()
        assert "secrets.toml cannot be parsed" in caught.value.lines("en")[0]
        path.write_text("analyst_password = oops\n", encoding="utf-8")  # broken, no accounts: "not set", as before
        assert ui_auth._secrets_accounts() is None and ui_auth._secrets_password() is None
        path.write_text('[analysts]\n"张三" = "x"\n', encoding="utf-8")
        st.secrets._reset()
        assert ui_auth._secrets_accounts() == {"张三": "x"}  # read as a plain dict; the gate validates it
    finally:
        config.set_option("secrets.files", before)
        st.secrets._reset()
