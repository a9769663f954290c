"""Analyst login for the pages that change data (load, undo, restore). Viewing needs none."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from metrics.auth import AnalystGate, AuthAttempt

_ACTOR_KEY = "_analyst_actor"
_TEXT = {
    "zh": {
        "title": "分析员登录",
        "hint": "载入、撤销和恢复数据需要分析员密码；浏览无需登录。",
        "password": "分析员密码",
        "submit": "登录",
        "signed_in": "已登录：{actor}",
        "logout": "退出登录",
    },
    "en": {
        "title": "Analyst sign-in",
        "hint": "Loading, undoing and restoring data need the analyst password; viewing needs none.",
        "password": "Analyst password",
        "submit": "Sign in",
        "signed_in": "Signed in: {actor}",
        "logout": "Sign out",
    },
}


def _text(lang: str) -> dict[str, str]:
    return _TEXT["en" if lang == "en" else "zh"]


def _secrets_password() -> str | None:
    # st.secrets raises FileNotFoundError (StreamlitSecretNotFoundError) when no secrets file
    # exists or it cannot be parsed; either way there is no password from secrets.
    try:
        value = st.secrets.get("analyst_password")
    except FileNotFoundError:
        return None
    return str(value) if value else None


@st.cache_resource(show_spinner=False)
def analyst_gate() -> AnalystGate:
    """The process-wide gate: one lockout table; the token (if any) is printed once per process."""
    return AnalystGate.from_environment(secrets_password=_secrets_password())


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def current_analyst() -> str | None:
    """The signed-in actor of this session (`analyst@<short session id>`), or None."""
    return st.session_state.get(_ACTOR_KEY)


def require_analyst(lang: str = "zh") -> str | None:
    """Actor string when this session is signed in as analyst; otherwise draw the login form
    and return None (the caller stops or shows a read-only view)."""
    actor = current_analyst()
    if actor:
        return actor
    text = _text(lang)
    gate = analyst_gate()
    session = _session_id()
    with st.form("analyst_login", clear_on_submit=True):
        st.markdown(f"**{text['title']}**")
        st.caption(text["hint"])
        password = st.text_input(text["password"], type="password", key="analyst_password")
        submitted = st.form_submit_button(text["submit"], key="analyst_login_submit")
    if submitted:
        result = gate.attempt(session, password or "")
        if result.ok:
            st.session_state[_ACTOR_KEY] = f"analyst@{session[:8]}"
            st.rerun()  # redraw without the form
        elif result.locked:
            st.warning(result.message(lang))
        else:
            st.error(result.message(lang))
    else:
        wait = gate.retry_after(session)
        if wait > 0:
            st.warning(AuthAttempt(ok=False, retry_after=wait).message(lang))
    return None


def analyst_logout() -> None:
    """Forget this session's analyst sign-in."""
    st.session_state.pop(_ACTOR_KEY, None)


def analyst_status(lang: str = "zh") -> None:
    """When signed in: who, and a sign-out button (for the sidebar or the top of a data page)."""
    actor = current_analyst()
    if not actor:
        return
    text = _text(lang)
    st.caption(text["signed_in"].format(actor=actor))
    if st.button(text["logout"], key="analyst_logout"):
        analyst_logout()
        st.rerun()
