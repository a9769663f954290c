"""`python -m metrics analyst-hash NAME [--iterations N] [--parks PARK...]`: the accounts-file line for one analyst.

Reads the password with getpass (twice) on a terminal, else the first line of standard input, and
prints `"NAME" = "pbkdf2_sha256$…"` on standard output; prompts and messages go to standard error.
"""

from __future__ import annotations

import getpass
import os
import sys

from metrics.accounts import (
    ACCOUNTS_FILE_ENV,
    MAX_ITERATIONS,
    MIN_ITERATIONS,
    MIN_PASSWORD_CHARS,
    TABLE,
    account_line,
    hash_password,
    name_problem,
    normalise_name,
)


def _text(zh: str, en: str) -> str:
    # Same rule as cli_ingest.cli_text, without importing the store (and DuckDB) for this command.
    return en if os.environ.get("PARKDASH_LANG", "").lower().startswith("en") else zh


def _fail(zh: str, en: str, code: int = 1) -> int:
    print(_text(zh, en), file=sys.stderr)
    return code


def read_password() -> str | None:
    """The new password: typed twice on a terminal, or the first line of piped input; None on mismatch."""
    if sys.stdin.isatty():
        first = getpass.getpass(_text("新密码：", "New password: "))
        second = getpass.getpass(_text("再输入一次：", "Repeat it: "))
        return first if first == second else None
    return sys.stdin.readline().rstrip("\r\n")


def run(args) -> int:
    name = normalise_name(args.name)
    wrong = name_problem(name)
    if wrong:
        return _fail(*wrong, code=2)
    if not MIN_ITERATIONS <= args.iterations <= MAX_ITERATIONS:
        return _fail(
            f"--iterations 应在 {MIN_ITERATIONS}–{MAX_ITERATIONS} 之间",
            f"--iterations must be within {MIN_ITERATIONS}–{MAX_ITERATIONS}",
            code=2,
        )
    parks: tuple[str, ...] = ()
    if getattr(args, "parks", None):
        from metrics.scope import resolve_parks

        parks, unknown = resolve_parks([p.strip() for p in args.parks])
        if unknown:
            return _fail(
                "不在园区目录中（名称或别名）：" + "、".join(unknown),
                "Not in the park catalog (name or alias): " + ", ".join(unknown),
                code=2,
            )
    try:
        password = read_password()
    except (EOFError, KeyboardInterrupt):
        return _fail("已取消。", "Cancelled.")
    if password is None:
        return _fail("两次输入的密码不一致。", "The two passwords differ.")
    if len(password) < MIN_PASSWORD_CHARS:
        return _fail(
            f"密码至少需要 {MIN_PASSWORD_CHARS} 个字符。",
            f"The password needs at least {MIN_PASSWORD_CHARS} characters.",
        )
    print(account_line(name, hash_password(password, iterations=args.iterations), parks))
    print(
        _text(
            f"把上面一行加到 {ACCOUNTS_FILE_ENV} 指定的文件（或 .streamlit/secrets.toml）的 [{TABLE}] 表下。",
            f"Add the line above under [{TABLE}] in the file named by {ACCOUNTS_FILE_ENV} (or .streamlit/secrets.toml).",
        ),
        file=sys.stderr,
    )
    return 0
