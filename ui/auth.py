"""Analyst login for the pages that change data (load, undo, restore). Viewing needs none."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from metrics.accounts import SECRETS_WHERE, AccountProblem, AccountsError
from metrics.auth import AnalystGate, AuthAttempt
from ui.i18n import LANGS, literal, t

_ACTOR_KEY = "_analyst_actor"
_NAME_KEY = "_analyst_name"
_PARKS_KEY = "_analyst_parks"  # the parks a scoped account is limited to (absent: every park)
# Labels from ui/i18n.toml (`auth_<key>`), by language then short key.
_TEXT = {
    lang: {
        key: t("auth_" + key, lang)
        for key in ("title", "hint", "hint_named", "name", "password", "submit", "signed_in", "logout")
    }
    for lang in LANGS
}
_reported: set[str] = set()


def _text(lang: str) -> dict[str, str]:
    return _TEXT["en" if lang == "en" else "zh"]


def _secrets_value(key: str):
    # st.secrets raises FileNotFoundError (StreamlitSecretNotFoundError) when no secrets file
    # exists or it cannot be parsed; either way the setting is absent.
    try:
        return st.secrets.get(key)
    except FileNotFoundError:
        return None


def _secrets_password() -> str | None:
    value = _secrets_value("analyst_password")
    return str(value) if value else None


def _secrets_accounts():
    """The `[analysts]` table of secrets.toml as a plain dict (None when there is none). A secrets
    file that cannot be parsed but holds an `[analysts]` line is an AccountsError, not "no accounts"."""
    try:
        value = st.secrets.get("analysts")
    except FileNotFoundError as exc:
        if any(_ANALYSTS_TABLE.search(text) for text in _secrets_texts()):
            raise AccountsError(
                [
                    AccountProblem(
                        SECRETS_WHERE, f"secrets.toml 无法解析（{exc}）", f"secrets.toml cannot be parsed ({exc})"
                    )
                ]
            ) from exc
        return None
    return value.to_dict() if hasattr(value, "to_dict") else value


_ANALYSTS_TABLE = re.compile(r"^\s*\[\s*[\"']?analysts[\"']?\s*\]", re.M)


def _secrets_texts() -> list[str]:
    from streamlit import config

    texts = []
    for path in config.get_option("secrets.files"):
        try:
            texts.append(Path(path).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue  # a missing file or a directory of secrets: nothing to look at
    return texts


@st.cache_resource(show_spinner=False)
def analyst_gate() -> AnalystGate:
    """The process-wide gate: one lockout table; the token (if any) is printed once per process.
    Raises AccountsError (not cached, so a fixed file is read on the next run) when accounts are broken."""
    return AnalystGate.from_environment(secrets_password=_secrets_password(), secrets_accounts=_secrets_accounts())


def warm_gate() -> None:
    """Make the gate on the first page run; broken accounts are reported once on the console
    (the data pages show them too) and never stop a page that only views."""
    try:
        analyst_gate()
    except AccountsError as exc:
        message = str(exc)
        if message not in _reported:
            _reported.add(message)
            print(
                "Analyst accounts are broken; nobody can sign in:\n  " + message.replace("\n", "\n  "), file=sys.stderr
            )


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def current_analyst() -> str | None:
    """The signed-in actor of this session (`<name>@<short session id>`, `analyst@…` without
    named accounts), or None."""
    return st.session_state.get(_ACTOR_KEY)


def require_analyst(lang: str = "zh") -> str | None:
    """Actor string when this session is signed in as analyst; otherwise draw the login form
    and return None (the caller stops or shows a read-only view)."""
    actor = current_analyst()
    if actor:
        return actor
    text = _text(lang)
    try:
        gate = analyst_gate()
    except AccountsError as exc:
        st.error(t("auth_accounts_broken", lang))
        for line in exc.lines(lang):
            st.text(line)  # plain text: file paths and names are data
        return None
    session = _session_id()
    name = None
    with st.form("analyst_login", clear_on_submit=True):
        st.markdown(f"**{text['title']}**")
        st.caption(text["hint_named"] if gate.named else text["hint"])
        if gate.named:
            name = st.text_input(text["name"], key="analyst_name", max_chars=200)
        password = st.text_input(text["password"], type="password", key="analyst_password")
        submitted = st.form_submit_button(text["submit"], key="analyst_login_submit")
    if submitted:
        result = gate.attempt(session, password or "", name=name)  # name is None without accounts
        if result.ok:
            st.session_state[_ACTOR_KEY] = f"{result.analyst or 'analyst'}@{session[:8]}"
            st.session_state[_NAME_KEY] = result.analyst
            st.session_state[_PARKS_KEY] = result.parks
            st.rerun()  # redraw without the form
        elif result.locked:
            st.warning(result.message(lang))
        else:
            st.error(result.message(lang))
    else:
        wait = gate.retry_after(session)
        if wait > 0:
            st.warning(AuthAttempt(ok=False, retry_after=wait, named=gate.named).message(lang))
    return None


def analyst_logout() -> None:
    """Forget this session's analyst sign-in."""
    st.session_state.pop(_ACTOR_KEY, None)
    st.session_state.pop(_NAME_KEY, None)
    st.session_state.pop(_PARKS_KEY, None)


def analyst_parks() -> tuple[str, ...] | None:
    """The parks the signed-in account may change figures of; None for every park (or nobody signed in)."""
    parks = st.session_state.get(_PARKS_KEY) if current_analyst() else None
    return tuple(parks) if parks is not None else None


def analyst_status(lang: str = "zh") -> None:
    """When signed in: who (the account name, else the actor), and a sign-out button."""
    actor = current_analyst()
    if not actor:
        return
    text = _text(lang)
    who = st.session_state.get(_NAME_KEY) or actor
    st.caption(text["signed_in"].format(actor=literal(who)))
    parks = analyst_parks()
    if parks is not None:
        sep = ", " if lang == "en" else "、"
        st.caption(t("auth_scope", lang, parks=literal(sep.join(parks))))
    if st.button(text["logout"], key="analyst_logout"):
        analyst_logout()
        st.rerun()
