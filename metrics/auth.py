"""Analyst sign-in: named accounts, or one password or one-time token; constant-time checks, lockout.

No streamlit here. Viewing needs no login; loading, undoing and restoring data need the analyst role.
When named accounts are configured (metrics/accounts.py: `PARKDASH_ANALYSTS_FILE` and/or the secrets
`[analysts]` table), each analyst signs in with name and password. Otherwise the secret comes from
`PARKDASH_ANALYST_PASSWORD`, else from Streamlit secrets (`analyst_password`, passed in by the UI),
else a random token made once per process and printed to the console, as Jupyter does.
See docs/SECURITY.md.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import secrets
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from metrics.accounts import SALT_BYTES, Accounts, PasswordHash, load_accounts, normalise_name

PASSWORD_ENV = "PARKDASH_ANALYST_PASSWORD"
GLOBAL_KEY = "*"  # every failure also counts here, so opening new sessions does not reset the lockout

_token_lock = threading.Lock()
_process_token: str | None = None


def process_token(announce: Callable[[str], None] | None = None) -> str:
    """The one-time analyst token of this process; made and announced on the first call only."""
    global _process_token
    with _token_lock:
        if _process_token is None:
            _process_token = secrets.token_urlsafe(24)
            (announce or _print_token)(_process_token)
        return _process_token


def _print_token(token: str) -> None:
    print(
        f"Analyst token: {token}\n"
        f"  分析员口令（本进程有效）: {token}\n"
        f"  Set {PASSWORD_ENV} or analyst_password in .streamlit/secrets.toml for a fixed password.",
        file=sys.stdout,
        flush=True,
    )


def _digest(text: str) -> bytes:
    # Hash first so the comparison is over equal-length bytes (no length leak) and any Unicode
    # works: hmac.compare_digest refuses non-ASCII str.
    return hashlib.sha256(text.encode("utf-8")).digest()


@dataclass(frozen=True)
class AuthAttempt:
    """Outcome of one login attempt."""

    ok: bool
    retry_after: float = 0.0  # seconds until this client may try again; > 0 means refused unchecked
    failures: int = 0  # consecutive failures of this client so far
    analyst: str | None = None  # the account name signed in (named accounts only)
    named: bool = False  # the gate checks name + password
    parks: tuple[str, ...] | None = None  # the parks the account is limited to; None = every park

    @property
    def locked(self) -> bool:
        return self.retry_after > 0

    def message(self, lang: str = "zh") -> str:
        """What to tell the user, in zh or en."""
        wait = math.ceil(self.retry_after)
        if self.ok:
            if self.analyst:
                return f"已以分析员“{self.analyst}”登录。" if lang != "en" else f"Signed in as analyst {self.analyst}."
            return "已登录为分析员。" if lang != "en" else "Signed in as analyst."
        if self.locked:
            if lang == "en":
                return f"Too many failed attempts: locked, retry in {wait} s."
            return f"失败次数过多，已暂时锁定，请 {wait} 秒后重试。"
        if self.named:  # never say which of the two was wrong
            return "姓名或密码错误。" if lang != "en" else "Wrong name or password."
        return "密码错误。" if lang != "en" else "Wrong password."


@dataclass
class _ClientState:
    failures: int = 0
    locked_until: float = 0.0
    last_seen: float = 0.0


class AnalystGate:
    """Checks the analyst secret (or, with `accounts`, name + password); after `free_failures`
    failures a client is locked out for a delay that doubles with each further failure, up to
    `max_delay` seconds.

    The delay is returned, never slept: a locked attempt is refused at once without looking at
    the password, so one client's lockout does not hold a server thread. Thread-safe.
    """

    def __init__(
        self,
        password: str | None = None,
        *,
        accounts: Accounts | None = None,
        source: str | None = None,
        free_failures: int = 3,
        base_delay: float = 1.0,
        max_delay: float = 30.0,
        global_free_failures: int = 20,
        clock: Callable[[], float] = time.monotonic,
        announce: Callable[[str], None] | None = None,
        max_clients: int = 10_000,
    ):
        if password is not None and not password.strip():
            password = None  # an empty setting is no setting, never an empty password
        self.accounts = accounts if accounts else None
        if self.accounts is not None:
            # Accounts replace the shared secret: no token is made, the password setting is unused.
            self._secret_digest = b""
            self.source = source or "accounts"
            # An unknown name is checked against this (never matching) hash, so it costs the same time.
            self._unknown = PasswordHash(
                self.accounts.max_iterations, secrets.token_bytes(SALT_BYTES), secrets.token_bytes(32)
            )
        elif password is None:
            self._secret_digest = _digest(process_token(announce))
            self.source = "token"
        else:
            self._secret_digest = _digest(password)
            self.source = source or "argument"
        self.free_failures = free_failures
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.global_free_failures = global_free_failures
        self._clock = clock
        self._max_clients = max_clients
        self._clients: dict[str, _ClientState] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_environment(
        cls,
        secrets_password: str | None = None,
        env: Mapping[str, str] | None = None,
        secrets_accounts: object = None,
        **options,
    ) -> AnalystGate:
        """Gate with the configured secret: named accounts (the accounts file and/or the secrets
        `[analysts]` table, `secrets_accounts`), else the environment variable, then Streamlit
        secrets, then the process token. Raises AccountsError when configured accounts are broken."""
        env = os.environ if env is None else env
        accounts = load_accounts(env, secrets_accounts)
        if accounts is not None:
            return cls(accounts=accounts, source="accounts", **options)
        from_env = (env.get(PASSWORD_ENV) or "").strip()
        if from_env:
            return cls(from_env, source="env", **options)
        if secrets_password and str(secrets_password).strip():
            return cls(str(secrets_password), source="secrets", **options)
        return cls(None, **options)

    def delay_for(self, failures: int, free: int | None = None) -> float:
        """Lockout after the n-th consecutive failure: 0 while free, then base, 2×base, … ≤ max."""
        free = self.free_failures if free is None else free
        if failures < free:
            return 0.0
        return min(self.max_delay, self.base_delay * 2 ** (failures - free))

    def retry_after(self, client_key: str) -> float:
        """Seconds until `client_key` may try again (0 when it may now)."""
        with self._lock:
            return self._retry_after_locked(client_key, self._clock())

    @property
    def named(self) -> bool:
        """Whether sign-in takes a name and password (named accounts are configured)."""
        return self.accounts is not None

    def attempt(self, client_key: str, password: str, name: str | None = None) -> AuthAttempt:
        """Check `password` (and `name`, with accounts) for `client_key`, unless that client
        (or everyone) is locked out."""
        now = self._clock()
        with self._lock:
            wait = self._retry_after_locked(client_key, now)
            state = self._clients.get(client_key)
            if wait > 0:
                return AuthAttempt(
                    ok=False, retry_after=wait, failures=state.failures if state else 0, named=self.named
                )
            if not self.named:
                return self._check_secret_locked(client_key, password or "", now)
            # Counted as a failure until proven right: the slow check runs outside the lock, and
            # concurrent tries must not slip past the lockout meanwhile.
            failures = self._record_failure(client_key, now, self.free_failures)
            self._record_failure(GLOBAL_KEY, now, self.global_free_failures)
            wait = self._retry_after_locked(client_key, now)
        return self._finish_named(client_key, name or "", password or "", failures, wait)

    def _check_secret_locked(self, client_key: str, password: str, now: float) -> AuthAttempt:
        if self._matches(password):
            self._clients.pop(client_key, None)
            self._clients.pop(GLOBAL_KEY, None)
            return AuthAttempt(ok=True)
        failures = self._record_failure(client_key, now, self.free_failures)
        self._record_failure(GLOBAL_KEY, now, self.global_free_failures)
        return AuthAttempt(ok=False, retry_after=self._retry_after_locked(client_key, now), failures=failures)

    def _finish_named(self, client_key: str, name: str, password: str, failures: int, wait: float) -> AuthAttempt:
        analyst = self._check_account(name, password)
        if analyst is None:
            return AuthAttempt(ok=False, retry_after=wait, failures=failures, named=True)
        with self._lock:
            self._clients.pop(client_key, None)
            self._clients.pop(GLOBAL_KEY, None)
        return AuthAttempt(ok=True, analyst=analyst, named=True, parks=self.accounts.parks_of(analyst))

    def _check_account(self, name: str, password: str) -> str | None:
        """The account name when name and password match; the same PBKDF2 work whether or not the name exists."""
        key = normalise_name(name)
        stored = self.accounts.get(key)
        matched = (stored or self._unknown).matches(password)
        return key if stored is not None and matched else None

    def _matches(self, password: str) -> bool:
        return hmac.compare_digest(_digest(password), self._secret_digest)

    def _retry_after_locked(self, client_key: str, now: float) -> float:
        waits = [self._clients[k].locked_until - now for k in (client_key, GLOBAL_KEY) if k in self._clients]
        return max([0.0, *waits])

    def _record_failure(self, key: str, now: float, free: int) -> int:
        state = self._clients.get(key)
        if state is None:
            self._forget_idle(now)
            state = self._clients[key] = _ClientState()
        state.failures += 1
        state.last_seen = now
        state.locked_until = now + self.delay_for(state.failures, free)
        return state.failures

    def _forget_idle(self, now: float) -> None:
        # Bound memory when many sessions fail once and leave: drop the oldest unlocked clients.
        if len(self._clients) < self._max_clients:
            return
        idle = sorted((s.last_seen, k) for k, s in self._clients.items() if k != GLOBAL_KEY and s.locked_until <= now)
        for _, key in idle[: max(1, len(idle) // 2)]:
            del self._clients[key]
