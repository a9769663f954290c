"""Analyst gate: password sources, constant-time compare, lockout; the login form through AppTest."""

from __future__ import annotations

import hmac
import inspect
import subprocess
import sys
import threading
import time
import types

import pytest
from conftest import FIXTURES, ROOT

from metrics import auth
from metrics.auth import PASSWORD_ENV, AnalystGate


class Clock:
    """A clock the test advances by hand, so lockout timings are exact."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_right_password_accepted_wrong_refused():
    gate = AnalystGate("s3cret-口令")
    assert gate.attempt("a", "s3cret-口令").ok
    refused = gate.attempt("a", "S3cret-口令")
    assert not refused.ok and not refused.locked
    assert refused.message("zh") == "密码错误。"
    assert refused.message("en") == "Wrong password."
    assert not gate.attempt("a", "").ok


def test_lockout_after_three_failures_grows_and_caps():
    clock = Clock()
    gate = AnalystGate("right", clock=clock)
    waits = []
    for _ in range(9):
        result = gate.attempt("client", "wrong")
        assert not result.ok
        waits.append(result.retry_after)
        clock.now += result.retry_after  # wait out the lockout, then fail again
    assert waits == [0, 0, 1, 2, 4, 8, 16, 30, 30]


def test_locked_client_is_refused_without_checking_and_others_unaffected():
    clock = Clock()
    gate = AnalystGate("right", clock=clock)
    for _ in range(3):
        gate.attempt("mallory", "wrong")
    locked = gate.attempt("mallory", "right")  # even the right password waits out the lockout
    assert not locked.ok and locked.locked and locked.retry_after == pytest.approx(1.0)
    assert locked.message("en") == "Too many failed attempts: locked, retry in 1 s."
    assert "1 秒后重试" in locked.message("zh")
    assert gate.attempt("alice", "right").ok  # another session is not locked
    clock.now += 1.0
    assert gate.retry_after("mallory") == 0
    assert gate.attempt("mallory", "right").ok


def test_success_resets_the_failure_count():
    clock = Clock()
    gate = AnalystGate("right", clock=clock)
    gate.attempt("c", "x")
    gate.attempt("c", "x")
    assert gate.attempt("c", "right").ok
    assert gate.attempt("c", "x").retry_after == 0  # counting starts again


def test_new_sessions_do_not_escape_the_global_limit():
    clock = Clock()
    gate = AnalystGate("right", clock=clock, global_free_failures=5)
    for i in range(5):
        gate.attempt(f"session-{i}", "wrong")  # one failure each: no per-session lockout
    fresh = gate.attempt("session-new", "right")
    assert fresh.locked and not fresh.ok
    clock.now += fresh.retry_after
    assert gate.attempt("session-new", "right").ok


def test_lockout_is_real_time_without_sleeping_in_the_gate(monkeypatch):
    def no_sleep(seconds):
        raise AssertionError(f"the gate slept {seconds} s")

    # Refused at once, never slept: shown without a wall clock (auth's own `time` has a sleep that fails).
    monkeypatch.setattr(auth, "time", types.SimpleNamespace(monotonic=time.monotonic, sleep=no_sleep))
    assert inspect.signature(AnalystGate).parameters["clock"].default is time.monotonic  # real time by default
    clock = Clock()
    gate = AnalystGate("right", base_delay=0.3, clock=clock)
    for _ in range(3):
        gate.attempt("c", "wrong")
    assert gate.attempt("c", "right").locked
    clock.now += 0.29
    assert gate.attempt("c", "right").locked
    clock.now += 0.02
    assert gate.attempt("c", "right").ok


def test_concurrent_failures_are_all_counted():
    gate = AnalystGate("right", free_failures=1000, global_free_failures=10_000)
    threads = [threading.Thread(target=lambda: [gate.attempt("c", "wrong") for _ in range(50)]) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert gate.attempt("c", "wrong").failures == 401


def test_comparison_is_hmac_compare_digest(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def recording(a, b):
        calls.append((type(a), len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", recording)
    gate = AnalystGate("right")
    assert gate.attempt("c", "right").ok
    assert not gate.attempt("c", "a much longer wrong password").ok
    # Every check went through compare_digest, over fixed-length digests (no length leak).
    assert calls == [(bytes, 32, 32), (bytes, 32, 32)]
    source = inspect.getsource(AnalystGate._matches)
    assert "hmac.compare_digest" in source and "==" not in source


def test_environment_wins_then_secrets_then_token():
    assert AnalystGate.from_environment("from-secrets", env={PASSWORD_ENV: "from-env"}).source == "env"
    gate = AnalystGate.from_environment("from-secrets", env={})
    assert gate.source == "secrets" and gate.attempt("c", "from-secrets").ok
    assert AnalystGate.from_environment("  ", env={PASSWORD_ENV: ""}).source == "token"


def test_token_made_once_and_printed_when_no_password_configured():
    script = (
        "from metrics.auth import AnalystGate\n"
        "a = AnalystGate.from_environment(None, env={})\n"
        "b = AnalystGate.from_environment(None, env={})\n"
        "import metrics.auth as m\n"
        "print('CHECK', a.source, a.attempt('x', m.process_token()).ok, b.attempt('y', m.process_token()).ok)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True, env=env, timeout=60
    ).stdout
    token_lines = [line for line in out.splitlines() if line.startswith("Analyst token: ")]
    assert len(token_lines) == 1, out  # printed once per process, however many gates
    token = token_lines[0].removeprefix("Analyst token: ")
    assert len(token) >= 32
    assert "CHECK token True True" in out


# --- the login form, through Streamlit's AppTest ---------------------------------------------


@pytest.fixture
def login_app(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from ui.auth import analyst_gate

    monkeypatch.setenv(PASSWORD_ENV, "correct horse")
    analyst_gate.clear()  # a fresh gate reads the password set above
    yield lambda: AppTest.from_file(str(FIXTURES / "auth_app.py"), default_timeout=30)
    analyst_gate.clear()


def _submit(at, password):
    at.text_input(key="analyst_password").input(password)
    at.button(key="analyst_login_submit").click().run()
    return at


def test_login_form_shown_then_wrong_refused_then_right_accepted(login_app):
    at = login_app().run()
    assert not at.exception
    assert at.text_input(key="analyst_password").label == "分析员密码"
    assert not at.success

    _submit(at, "wrong")
    assert [e.value for e in at.error] == ["密码错误。"]
    assert not at.success

    _submit(at, "correct horse")
    assert not at.exception
    assert len(at.success) == 1 and at.success[0].value.startswith("actor=analyst@")
    with pytest.raises(KeyError):
        at.text_input(key="analyst_password")  # form gone once signed in

    at.button(key="analyst_logout").click().run()
    assert at.text_input(key="analyst_password")  # signed out: form again
    assert not at.success


def test_login_form_locks_after_repeated_failures_in_english(login_app):
    at = login_app()
    at.query_params["lang"] = "en"
    at.run()
    assert at.text_input(key="analyst_password").label == "Analyst password"
    for _ in range(2):
        _submit(at, "nope")
        assert [e.value for e in at.error] == ["Wrong password."]
    for _ in range(2):  # the third failure locks; a try while locked (or just after) stays locked
        _submit(at, "nope")
        assert not at.error and not at.success
        assert at.warning[0].value.startswith("Too many failed attempts: locked, retry in ")


def test_login_form_uses_the_streamlit_secret_when_no_environment_password(login_app, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV)
    at = login_app()
    at.secrets["analyst_password"] = "from secrets.toml"
    at.run()
    _submit(at, "correct horse")  # the environment password is gone
    assert [e.value for e in at.error] == ["密码错误。"]
    _submit(at, "from secrets.toml")
    assert len(at.success) == 1 and not at.exception
