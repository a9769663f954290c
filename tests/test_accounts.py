"""Named analyst accounts: PBKDF2 hashes, the validated accounts file, the gate with names, the CLI."""

from __future__ import annotations

import base64
import subprocess
import sys
import threading
import tomllib

import pytest
from conftest import ROOT

from metrics import accounts as acc
from metrics.accounts import (
    ACCOUNTS_FILE_ENV,
    ITERATIONS,
    AccountsError,
    HashFormatError,
    PasswordHash,
    hash_password,
    load_accounts,
    verify_password,
)
from metrics.auth import PASSWORD_ENV, AnalystGate

FAST = 10_000  # the least the loader accepts: keeps the many lockout attempts quick


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def accounts_file(tmp_path, text: str):
    path = tmp_path / "analysts.toml"
    path.write_text(text, encoding="utf-8")
    return path


def gate_for(tmp_path, users: dict[str, str], iterations: int = FAST, **options) -> AnalystGate:
    lines = ["[analysts]"] + [acc.account_line(n, hash_password(p, iterations)) for n, p in users.items()]
    path = accounts_file(tmp_path, "\n".join(lines) + "\n")
    return AnalystGate.from_environment(env={ACCOUNTS_FILE_ENV: str(path)}, **options)


# --- hashing ---------------------------------------------------------------------------------


def test_hash_string_form_and_known_pbkdf2_vector():
    encoded = hash_password("password", iterations=4096, salt=b"salt")
    # PBKDF2-HMAC-SHA256("password", "salt", 4096) is a published test vector.
    expected = bytes.fromhex("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a")
    assert encoded == f"pbkdf2_sha256$4096${base64.b64encode(b'salt').decode()}${base64.b64encode(expected).decode()}"


def test_fresh_salt_each_time_and_verification():
    first, second = hash_password("口令 with spaces", FAST), hash_password("口令 with spaces", FAST)
    assert first != second  # random salt
    parsed = PasswordHash.parse(first)
    assert parsed.iterations == FAST and len(parsed.salt) == 16 and len(parsed.digest) == 32
    assert verify_password("口令 with spaces", first) and verify_password("口令 with spaces", second)
    assert not verify_password("口令 with space", first)
    assert not verify_password("", first)


def test_default_rounds_make_a_check_slow(monkeypatch):
    # The work is counted, not timed (bench/bench_auth.py times it: ~0.1 s per check here).
    encoded = hash_password("x" * 12)
    assert encoded.startswith(f"pbkdf2_sha256${ITERATIONS}$") and ITERATIONS >= 400_000
    calls = []
    real = acc.hashlib.pbkdf2_hmac

    def recording(name, password, salt, iterations):
        calls.append((name, iterations))
        return real(name, password, salt, iterations)

    monkeypatch.setattr(acc.hashlib, "pbkdf2_hmac", recording)
    assert verify_password("x" * 12, encoded)
    assert calls == [("sha256", ITERATIONS)]  # one full-strength PBKDF2 run per check, never a fast hash


GOOD_SALT = base64.b64encode(b"0123456789abcdef").decode()
GOOD_HASH = base64.b64encode(bytes(32)).decode()


@pytest.mark.parametrize(
    "text, en",
    [
        ("hunter2-plain", "plain passwords are not accepted"),
        (f"pbkdf2_sha1$20000${GOOD_SALT}${GOOD_HASH}", "not in the form"),
        (f"pbkdf2_sha256$20000${GOOD_SALT}", "not in the form"),
        (f"pbkdf2_sha256$2e4${GOOD_SALT}${GOOD_HASH}", "is not an integer"),
        (f"pbkdf2_sha256$1000${GOOD_SALT}${GOOD_HASH}", "iteration count 1000 is outside"),
        (f"pbkdf2_sha256$99999999${GOOD_SALT}${GOOD_HASH}", "is outside"),
        (f"pbkdf2_sha256$20000$not*base64${GOOD_HASH}", "salt is not valid base64"),
        (f"pbkdf2_sha256$20000$YWJj${GOOD_HASH}", "salt is 3 bytes"),
        (f"pbkdf2_sha256$20000${GOOD_SALT}$YWJj", "hash is 3 bytes, 32 expected"),
    ],
)
def test_malformed_hash_strings_say_what_is_wrong(text, en):
    with pytest.raises(HashFormatError) as caught:
        PasswordHash.parse(text)
    assert en in caught.value.en and caught.value.zh


# --- the accounts file -------------------------------------------------------------------------


def test_nothing_configured_means_no_accounts():
    assert load_accounts(env={}) is None
    assert load_accounts(env={ACCOUNTS_FILE_ENV: "  "}) is None


def test_file_and_secrets_table_are_merged_names_normalised(tmp_path):
    h = hash_password("password-1", FAST)
    path = accounts_file(tmp_path, f'top-level = "{h}"\n[analysts]\n" 张三 " = "{h}"\n"Li Si" = "{h}"\n')
    loaded = load_accounts(env={ACCOUNTS_FILE_ENV: str(path)}, secrets_table={"王五": h})
    assert loaded.names() == ["Li Si", "top-level", "张三", "王五"]
    assert loaded.get("张三 ") == PasswordHash.parse(h) and loaded.get("张") is None
    assert loaded.sources == (str(path), acc.SECRETS_WHERE)


def test_every_problem_is_named_at_once_in_both_languages(tmp_path):
    h = hash_password("password-1", FAST)
    path = accounts_file(
        tmp_path,
        "[analysts]\n"
        f'"" = "{h}"\n'  # empty name
        f'"  " = "{h}"\n'  # blank name
        '"张三" = "plain-password"\n'  # not a hash
        '"李四" = 42\n'  # not a string
        f'"王五" = "{h}"\n'  # also in secrets below
        f'"ok" = "{h}"\n'
        "[other]\nx = 1\n",
    )
    with pytest.raises(AccountsError) as caught:
        load_accounts(env={ACCOUNTS_FILE_ENV: str(path)}, secrets_table={"王五": h})
    zh, en = caught.value.lines("zh"), caught.value.lines("en")
    assert len(zh) == len(en) == 6, en
    assert sum("the account name is empty" in line for line in en) == 2
    assert any("账户“张三”的密码哈希无效" in line and "不接受明文密码" in line for line in zh)
    assert any("'李四' must map to a password hash string" in line for line in en)
    assert any("unknown table [other]" in line for line in en)
    assert any(line.startswith(acc.SECRETS_WHERE) and "given twice" in line for line in en)
    assert all(line.startswith(str(path)) for line in en if "given twice" not in line)


@pytest.mark.parametrize(
    "text, zh, en",
    [
        (None, "文件不存在", "file not found"),
        ("[analysts\n", "不是有效的 TOML", "not valid TOML"),
        ("# only a comment\n", "没有任何账户", "holds no accounts"),
        ("[analysts]\n", "没有任何账户", "holds no accounts"),
    ],
)
def test_a_broken_file_is_an_error_never_no_accounts(tmp_path, text, zh, en):
    path = tmp_path / "analysts.toml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(AccountsError) as caught:
        load_accounts(env={ACCOUNTS_FILE_ENV: str(path), PASSWORD_ENV: "shared"})
    assert zh in caught.value.lines("zh")[0] and en in caught.value.lines("en")[0]
    with pytest.raises(AccountsError):  # the gate refuses to start rather than fall back to the password
        AnalystGate.from_environment(env={ACCOUNTS_FILE_ENV: str(path), PASSWORD_ENV: "shared"})


def test_an_empty_or_malformed_secrets_table_is_an_error():
    for table in ({}, "not a table"):
        with pytest.raises(AccountsError):
            load_accounts(env={}, secrets_table=table)


# --- the gate with named accounts ------------------------------------------------------------


def test_name_and_password_sign_in_and_say_who(tmp_path):
    gate = gate_for(tmp_path, {"张三": "zhang-口令-1", "Li Si": "li-password"})
    assert gate.named and gate.source == "accounts"
    ok = gate.attempt("c", "zhang-口令-1", name=" 张三 ")
    assert ok.ok and ok.analyst == "张三"
    assert ok.message("zh") == "已以分析员“张三”登录。" and ok.message("en") == "Signed in as analyst 张三."
    assert gate.attempt("c", "li-password", name="Li Si").analyst == "Li Si"
    for name, password in (("张三", "li-password"), ("Nobody", "zhang-口令-1"), ("", ""), ("张三", "")):
        refused = gate.attempt(f"c-{name}", password, name=name)
        assert not refused.ok and refused.analyst is None
        assert refused.message("zh") == "姓名或密码错误。" and refused.message("en") == "Wrong name or password."


def test_accounts_replace_the_shared_password(tmp_path):
    path = accounts_file(tmp_path, f'[analysts]\n"张三" = "{hash_password("zhang-pass", FAST)}"\n')
    gate = AnalystGate.from_environment("from-secrets", env={ACCOUNTS_FILE_ENV: str(path), PASSWORD_ENV: "shared"})
    assert not gate.attempt("c", "shared", name="张三").ok
    assert not gate.attempt("c", "from-secrets", name="张三").ok
    assert gate.attempt("c", "zhang-pass", name="张三").ok


def test_unknown_names_cost_the_same_pbkdf2_work(tmp_path, monkeypatch):
    gate = gate_for(tmp_path, {"张三": "zhang-pass"}, iterations=ITERATIONS)
    calls = []
    real = acc.hashlib.pbkdf2_hmac

    def recording(name, password, salt, iterations):
        calls.append((name, iterations, len(salt)))
        return real(name, password, salt, iterations)

    monkeypatch.setattr(acc.hashlib, "pbkdf2_hmac", recording)

    # The same work is counted, not timed (bench/bench_auth.py compares the times).
    for n, name in enumerate(["张三", "nobody", "张三", "nobody"]):
        assert not gate.attempt(f"c-{n}", "wrong", name=name).ok
    assert calls == [("sha256", ITERATIONS, 16)] * 4  # one full check either way, same rounds, same salt size


def test_named_lockout_grows_caps_and_success_resets(tmp_path):
    clock = Clock()
    gate = gate_for(tmp_path, {"张三": "zhang-pass"}, clock=clock)
    waits = []
    for i in range(9):
        result = gate.attempt("client", "wrong", name="张三" if i % 2 else "nobody")
        assert not result.ok
        waits.append(result.retry_after)
        clock.now += result.retry_after
    assert waits == [0, 0, 1, 2, 4, 8, 16, 30, 30]

    assert gate.attempt("client", "wrong", name="张三").retry_after == 30
    locked = gate.attempt("client", "zhang-pass", name="张三")  # right, but locked: refused unchecked
    assert locked.locked and not locked.ok and locked.message("en").startswith("Too many failed attempts")
    clock.now += locked.retry_after
    assert gate.attempt("client", "zhang-pass", name="张三").ok
    assert gate.attempt("client", "wrong", name="张三").retry_after == 0  # counting starts again


def test_named_global_limit_holds_across_sessions(tmp_path):
    clock = Clock()
    gate = gate_for(tmp_path, {"张三": "zhang-pass"}, clock=clock, global_free_failures=5)
    for i in range(5):
        gate.attempt(f"session-{i}", "wrong", name="张三")
    fresh = gate.attempt("session-new", "zhang-pass", name="张三")
    assert fresh.locked and not fresh.ok
    clock.now += fresh.retry_after
    assert gate.attempt("session-new", "zhang-pass", name="张三").ok


def test_parallel_tries_cannot_outrun_the_lockout(tmp_path, monkeypatch):
    gate = gate_for(tmp_path, {"张三": "zhang-pass"}, clock=Clock())
    checks = []
    real = acc.hashlib.pbkdf2_hmac
    monkeypatch.setattr(acc.hashlib, "pbkdf2_hmac", lambda *a: checks.append(1) or real(*a))
    start = threading.Barrier(12)
    results = []

    def attack():
        start.wait()
        results.append(gate.attempt("mallory", "guess", name="张三"))

    threads = [threading.Thread(target=attack) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checks) == 3  # the three free tries; the others were refused before hashing
    assert sum(r.locked for r in results) >= 9 and not any(r.ok for r in results)


# --- python -m metrics analyst-hash ----------------------------------------------------------


def cli(*args: str, stdin: str = "", lang: str = "en") -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "PARKDASH_LANG": lang}
    return subprocess.run(
        [sys.executable, "-m", "metrics", "analyst-hash", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_cli_prints_a_line_that_the_gate_accepts(tmp_path):
    done = cli("张三", stdin="zhang-口令-1\n")
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    assert line.startswith(f'"张三" = "pbkdf2_sha256${ITERATIONS}$')
    assert "[analysts]" in done.stderr and "zhang-口令-1" not in done.stdout + done.stderr
    path = accounts_file(tmp_path, "[analysts]\n" + line + "\n")
    gate = AnalystGate.from_environment(env={ACCOUNTS_FILE_ENV: str(path)})
    assert gate.attempt("c", "zhang-口令-1", name="张三").analyst == "张三"


def test_cli_quotes_any_name_as_toml():
    name = 'A "quoted" \\ name'
    done = cli(name, "--iterations", str(FAST), stdin="long-enough-password")  # no trailing newline
    assert done.returncode == 0, done.stderr
    table = tomllib.loads(done.stdout)
    assert list(table) == [name] and verify_password("long-enough-password", table[name])


@pytest.mark.parametrize(
    "args, stdin, code, message",
    [
        (["张三"], "short\n", 1, "at least 8 characters"),
        (["张三"], "", 1, "at least 8 characters"),
        (["  "], "long-enough\n", 2, "the account name is empty"),
        (["张三", "--iterations", "10"], "long-enough\n", 2, "--iterations must be within"),
        ([], "long-enough\n", 2, "the following arguments are required: NAME"),
    ],
)
def test_cli_refusals_and_exit_codes(args, stdin, code, message):
    done = cli(*args, stdin=stdin)
    assert done.returncode == code and message in done.stderr and done.stdout == ""


def test_cli_messages_in_chinese_by_default():
    done = cli("张三", stdin="short\n", lang="zh")
    assert done.returncode == 1 and "密码至少需要 8 个字符" in done.stderr


@pytest.mark.parametrize("typed, code", [(["pass-word-1", "pass-word-1"], 0), (["pass-word-1", "pass-word-2"], 1)])
def test_cli_on_a_terminal_asks_twice(monkeypatch, capsys, typed, code):
    from metrics import cli_analyst
    from metrics.__main__ import main

    answers = iter(typed)
    monkeypatch.delenv("PARKDASH_LANG", raising=False)  # Chinese, the default
    monkeypatch.setattr(cli_analyst.sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(cli_analyst.getpass, "getpass", lambda prompt: next(answers))
    assert main(["analyst-hash", "张三", "--iterations", str(FAST)]) == code
    out, err = capsys.readouterr()
    if code == 0:
        assert verify_password("pass-word-1", tomllib.loads(out)["张三"])
    else:
        assert out == "" and err == "两次输入的密码不一致。\n"
