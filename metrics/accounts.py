"""Named analyst accounts: PBKDF2 password hashes and the validated accounts table. No streamlit here.

Accounts come from the TOML file named by `PARKDASH_ANALYSTS_FILE` and/or the `[analysts]` table of
Streamlit secrets, each entry `"名字" = "pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>"` (made by
`python -m metrics analyst-hash NAME`). Only hashes are stored, never passwords. See docs/SECURITY.md.
An account limited to some parks (a park's 统计员) is a table instead:
`"名字" = { hash = "pbkdf2_sha256$…", parks = ["东营经济技术开发区"] }` (catalog names or aliases).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ACCOUNTS_FILE_ENV = "PARKDASH_ANALYSTS_FILE"
TABLE = "analysts"
SECRETS_WHERE = ".streamlit/secrets.toml [analysts]"
SCHEME = "pbkdf2_sha256"
# 400,000 rounds took 97 ms per check on the development machine (2 cores, Python 3.11, OpenSSL).
ITERATIONS = 400_000
MIN_ITERATIONS = 10_000  # below this a stolen file is cheap to attack
MAX_ITERATIONS = 10_000_000  # above this one login holds a thread for seconds
SALT_BYTES = 16
MIN_SALT_BYTES = 8
HASH_BYTES = 32  # SHA-256
MAX_NAME_CHARS = 64
MIN_PASSWORD_CHARS = 8


class HashFormatError(ValueError):
    """A stored hash string that cannot be used; `zh`/`en` say why."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class PasswordHash:
    """One stored PBKDF2-HMAC-SHA256 hash."""

    iterations: int
    salt: bytes
    digest: bytes

    def encode(self) -> str:
        salt = base64.b64encode(self.salt).decode("ascii")
        digest = base64.b64encode(self.digest).decode("ascii")
        return f"{SCHEME}${self.iterations}${salt}${digest}"

    @classmethod
    def parse(cls, text: str) -> PasswordHash:
        """The hash in `text`; HashFormatError naming the first thing wrong with it."""
        parts = text.strip().split("$")
        if len(parts) != 4 or parts[0] != SCHEME:
            raise HashFormatError(
                f"不是 {SCHEME}$轮数$盐$哈希 格式（不接受明文密码）",
                f"not in the form {SCHEME}$iterations$salt$hash (plain passwords are not accepted)",
            )
        _, rounds, salt_text, digest_text = parts
        if not rounds.isascii() or not rounds.isdigit():
            raise HashFormatError(f"轮数“{rounds}”不是整数", f"iteration count {rounds!r} is not an integer")
        iterations = int(rounds)
        if not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
            raise HashFormatError(
                f"轮数 {iterations} 不在 {MIN_ITERATIONS}–{MAX_ITERATIONS} 之间",
                f"iteration count {iterations} is outside {MIN_ITERATIONS}–{MAX_ITERATIONS}",
            )
        salt = _b64(salt_text, "盐", "salt")
        if len(salt) < MIN_SALT_BYTES:
            raise HashFormatError(
                f"盐只有 {len(salt)} 字节，至少需要 {MIN_SALT_BYTES}",
                f"salt is {len(salt)} bytes, at least {MIN_SALT_BYTES} needed",
            )
        digest = _b64(digest_text, "哈希", "hash")
        if len(digest) != HASH_BYTES:
            raise HashFormatError(
                f"哈希应为 {HASH_BYTES} 字节，实为 {len(digest)} 字节",
                f"hash is {len(digest)} bytes, {HASH_BYTES} expected",
            )
        return cls(iterations, salt, digest)

    def matches(self, password: str) -> bool:
        """Whether `password` gives this hash; always does the full PBKDF2 work, compares in constant time."""
        candidate = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), self.salt, self.iterations)
        return hmac.compare_digest(candidate, self.digest)


def _b64(text: str, what_zh: str, what_en: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise HashFormatError(f"{what_zh}不是有效的 base64", f"{what_en} is not valid base64") from None


def hash_password(password: str, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """The storable hash string of `password`, with a fresh random salt unless one is given."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return PasswordHash(iterations, salt, digest).encode()


def verify_password(password: str, encoded: str) -> bool:
    """Whether `password` matches the hash string `encoded` (HashFormatError when it is malformed)."""
    return PasswordHash.parse(encoded).matches(password)


def normalise_name(name: str) -> str:
    """The form a name is stored and compared in: NFC, surrounding spaces removed."""
    return unicodedata.normalize("NFC", str(name)).strip()


def name_problem(name: str) -> tuple[str, str] | None:
    """(zh, en) of what is wrong with an already normalised account name, or None when it is fine."""
    if not name:
        return "账户名为空", "the account name is empty"
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        return f"账户名 {name!r} 含有控制字符", f"the account name {name!r} holds control characters"
    if len(name) > MAX_NAME_CHARS:
        return (
            f"账户名“{name[:20]}…”超过 {MAX_NAME_CHARS} 个字符",
            f"the account name {name[:20]!r}… is longer than {MAX_NAME_CHARS} characters",
        )
    return None


def toml_string(text: str) -> str:
    """`text` as a TOML basic string (quotes, backslashes and control characters escaped)."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def account_line(name: str, encoded: str, parks: tuple[str, ...] | list[str] = ()) -> str:
    """The line to paste under `[analysts]`: `"张三" = "pbkdf2_sha256$…"`, or with parks
    `"张三" = { hash = "pbkdf2_sha256$…", parks = ["东营经济技术开发区"] }`."""
    if not parks:
        return f"{toml_string(name)} = {toml_string(encoded)}"
    listed = ", ".join(toml_string(p) for p in parks)
    return f"{toml_string(name)} = {{ hash = {toml_string(encoded)}, parks = [{listed}] }}"


@dataclass(frozen=True)
class AccountProblem:
    """One thing wrong with the accounts configuration, naming where it is."""

    where: str
    zh: str
    en: str

    def message(self, lang: str = "zh") -> str:
        return f"{self.where}: {self.en}" if lang == "en" else f"{self.where}：{self.zh}"


class AccountsError(ValueError):
    """The accounts configuration is unusable; `problems` lists everything wrong at once."""

    def __init__(self, problems: list[AccountProblem]):
        super().__init__("\n".join(p.message("en") for p in problems))
        self.problems = problems

    def lines(self, lang: str = "zh") -> list[str]:
        return [p.message(lang) for p in self.problems]


@dataclass(frozen=True)
class Accounts:
    """Validated accounts: normalised name -> hash, and where they came from."""

    hashes: Mapping[str, PasswordHash]
    sources: tuple[str, ...]
    scopes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # name -> canonical parks

    def __len__(self) -> int:
        return len(self.hashes)

    def get(self, name: str) -> PasswordHash | None:
        return self.hashes.get(normalise_name(name))

    def parks_of(self, name: str) -> tuple[str, ...] | None:
        """The parks an account is limited to (canonical names); None when it may change any park's figures."""
        return self.scopes.get(normalise_name(name))

    def names(self) -> list[str]:
        return sorted(self.hashes)

    @property
    def max_iterations(self) -> int:
        return max(h.iterations for h in self.hashes.values())


def _entries(where: str, data: Mapping, top_level_file: bool) -> tuple[list[tuple[str, object]], list[AccountProblem]]:
    """(name, value) pairs of one source. A file may hold them at top level and/or under [analysts]."""
    problems: list[AccountProblem] = []
    if not top_level_file:
        return list(data.items()), problems
    pairs: list[tuple[str, object]] = []
    for key, value in data.items():
        if key == TABLE and isinstance(value, Mapping):
            pairs += list(value.items())
        elif isinstance(value, Mapping) and "hash" not in value:  # with a hash: an account limited to parks
            problems.append(
                AccountProblem(
                    where,
                    f"未知的表 [{key}]（账户应写在 [{TABLE}] 下）",
                    f"unknown table [{key}] (accounts belong under [{TABLE}])",
                )
            )
        else:
            pairs.append((key, value))
    return pairs, problems


ACCOUNT_KEYS = ("hash", "parks")


def _scoped_entry(
    where: str, name: str, value: Mapping, scopes: dict[str, tuple[str, ...]], catalog
) -> tuple[object, list[AccountProblem]]:
    """The hash text of a `{ hash = "…", parks = [...] }` entry, and its problems; the parks go into `scopes`."""
    from metrics.scope import resolve_parks

    problems = []
    for key in value:
        if key not in ACCOUNT_KEYS:
            problems.append(
                AccountProblem(
                    where,
                    f"账户“{name}”有未知的键“{key}”（只能是 hash、parks）",
                    f"account {name!r} has an unknown key {key!r} (only hash, parks)",
                )
            )
    parks = value.get("parks")
    if "parks" in value:
        if not isinstance(parks, list) or not all(isinstance(p, str) and p.strip() for p in parks):
            problems.append(
                AccountProblem(
                    where,
                    f"账户“{name}”的 parks 应为园区名称的列表",
                    f"account {name!r}: parks must be a list of park names",
                )
            )
        elif not parks:
            problems.append(
                AccountProblem(
                    where,
                    f"账户“{name}”的 parks 为空（不限园区时请去掉 parks）",
                    f"account {name!r}: parks is empty (leave parks out for an account of every park)",
                )
            )
        else:
            resolved, unknown = resolve_parks([p.strip() for p in parks], catalog)
            for bad in unknown:
                problems.append(
                    AccountProblem(
                        where,
                        f"账户“{name}”的园区“{bad}”不在园区目录中（名称或别名）",
                        f"account {name!r}: park {bad!r} is not in the park catalog (name or alias)",
                    )
                )
            if not unknown:
                scopes[name] = resolved
    return value.get("hash"), problems


def _validate(
    where: str,
    pairs: list[tuple[str, object]],
    seen: dict[str, str],
    hashes: dict[str, PasswordHash],
    scopes: dict[str, tuple[str, ...]] | None = None,
    catalog=None,
) -> list[AccountProblem]:
    problems = []
    for raw_name, value in pairs:
        name = normalise_name(raw_name)
        wrong = name_problem(name)
        if wrong:
            problems.append(AccountProblem(where, *wrong))
            continue
        if name in seen:
            other = seen[name]
            problems.append(
                AccountProblem(
                    where,
                    f"账户“{name}”重复（另见 {other}）",
                    f"account {name!r} is given twice (also in {other})",
                )
            )
            continue
        seen[name] = where
        if isinstance(value, Mapping):
            value, found = _scoped_entry(where, name, value, {} if scopes is None else scopes, catalog)
            problems += found
        if not isinstance(value, str):
            problems.append(
                AccountProblem(
                    where,
                    f"账户“{name}”的值应为密码哈希字符串（用 python -m metrics analyst-hash 生成）",
                    f"account {name!r} must map to a password hash string (made by python -m metrics analyst-hash)",
                )
            )
            continue
        try:
            hashes[name] = PasswordHash.parse(value)
        except HashFormatError as exc:
            problems.append(
                AccountProblem(where, f"账户“{name}”的密码哈希无效：{exc.zh}", f"account {name!r}: bad hash: {exc.en}")
            )
    return problems


def _read_file(path: Path) -> tuple[dict | None, AccountProblem | None]:
    where = str(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), None
    except FileNotFoundError:
        return None, AccountProblem(
            where, f"文件不存在（由 {ACCOUNTS_FILE_ENV} 指定）", f"file not found (named by {ACCOUNTS_FILE_ENV})"
        )
    except (OSError, UnicodeDecodeError) as exc:
        return None, AccountProblem(where, f"无法读取文件（{exc}）", f"cannot read the file ({exc})")
    except tomllib.TOMLDecodeError as exc:
        return None, AccountProblem(where, f"不是有效的 TOML（{exc}）", f"not valid TOML ({exc})")


def load_accounts(env: Mapping[str, str] | None = None, secrets_table: object = None, catalog=None) -> Accounts | None:
    """Accounts from the file named by PARKDASH_ANALYSTS_FILE and the secrets [analysts] table
    (`secrets_table`, None when absent). None when neither is configured; AccountsError listing every
    problem when anything configured is wrong, so a broken file never means "no accounts". Park scopes
    are checked against `catalog` (default: the park catalog in use)."""
    env = os.environ if env is None else env
    file_name = (env.get(ACCOUNTS_FILE_ENV) or "").strip()
    if not file_name and secrets_table is None:
        return None
    problems: list[AccountProblem] = []
    seen: dict[str, str] = {}
    hashes: dict[str, PasswordHash] = {}
    scopes: dict[str, tuple[str, ...]] = {}
    sources: list[str] = []
    if file_name:
        path = Path(file_name).expanduser()
        data, problem = _read_file(path)
        if problem:
            problems.append(problem)
        else:
            pairs, found = _entries(str(path), data, top_level_file=True)
            problems += found + _validate(str(path), pairs, seen, hashes, scopes, catalog)
            if not pairs:
                problems.append(AccountProblem(str(path), "没有任何账户", "holds no accounts"))
            sources.append(str(path))
    if secrets_table is not None:
        if not isinstance(secrets_table, Mapping):
            problems.append(
                AccountProblem(SECRETS_WHERE, f"[{TABLE}] 应为一个表", f"[{TABLE}] must be a table of name = hash")
            )
        else:
            problems += _validate(SECRETS_WHERE, list(secrets_table.items()), seen, hashes, scopes, catalog)
            if not secrets_table:
                problems.append(AccountProblem(SECRETS_WHERE, "没有任何账户", "holds no accounts"))
            sources.append(SECRETS_WHERE)
    if problems:
        raise AccountsError(problems)
    return Accounts(hashes, tuple(sources), scopes)
