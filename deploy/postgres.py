"""A private PostgreSQL cluster for the shared store: initdb in a directory, start, create `parkdash`, stop.

`python -m deploy.postgres start --dir D --port P` prints the libpq conninfo of database `parkdash`
(socket in D, so it needs no network access); `python -m deploy.postgres stop --dir D`. Debian's
`postgresql` package provides the binaries (/usr/lib/postgresql/<version>/bin, the newest found);
run as root, they run as the `postgres` user, who then owns D.
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

DATABASE = "parkdash"
SUPERUSER = "postgres"
DEBIAN_ROOT = Path("/usr/lib/postgresql")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries here, or the cluster could not be started (the message says which)."""


def bin_dir() -> Path:
    """The newest installed Debian PostgreSQL's bin directory (else the one holding `initdb` on PATH)."""
    versions = []
    if DEBIAN_ROOT.is_dir():
        for child in DEBIAN_ROOT.iterdir():
            if (child / "bin" / "initdb").is_file() and child.name.split(".")[0].isdigit():
                versions.append((int(child.name.split(".")[0]), child / "bin"))
    if versions:
        return max(versions)[1]
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresUnavailable("PostgreSQL is not installed (Debian: apt-get install postgresql)")


def _as_owner() -> dict:
    """Run the binaries as `postgres` when we are root (PostgreSQL refuses to run as root)."""
    if os.geteuid() != 0:
        return {}
    entry = pwd.getpwnam(SUPERUSER)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _run(args: list, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd="/", **_as_owner(), **kwargs)
    if result.returncode != 0:
        raise PostgresUnavailable(f"{Path(args[0]).name} failed: {(result.stderr or result.stdout).strip()}")
    return result


def conninfo(directory: str | os.PathLike, port: int) -> str:
    """The libpq conninfo of the cluster's `parkdash` database (over its socket in `directory`)."""
    return f"dbname={DATABASE} host={Path(directory).resolve()} port={int(port)} user={SUPERUSER}"


def _running(directory: Path) -> bool:
    return (directory / "postmaster.pid").exists()


def start(directory: str | os.PathLike, port: int) -> str:
    """Create the cluster in `directory` if it is empty, start it on `port` unless it runs, create the
    database `parkdash` if missing; return its conninfo."""
    directory = Path(directory).resolve()
    binaries = bin_dir()
    directory.mkdir(parents=True, exist_ok=True)
    owner = _as_owner()
    if owner:
        os.chown(directory, owner["user"], owner["group"])
    os.chmod(directory, 0o700)
    if not (directory / "PG_VERSION").exists():
        _run([binaries / "initdb", "-D", directory, "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-locale"])
    if not _running(directory):
        options = f"-c listen_addresses='' -c unix_socket_directories='{directory}' -p {int(port)}"
        _run([binaries / "pg_ctl", "-D", directory, "-o", options, "-l", directory / "server.log", "-w", "start"])
    exists = _run(
        [
            binaries / "psql",
            "-h",
            directory,
            "-p",
            port,
            "-U",
            SUPERUSER,
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",
        ]
    )
    if exists.stdout.strip() != "1":
        _run([binaries / "createdb", "-h", directory, "-p", port, "-U", SUPERUSER, DATABASE])
    return conninfo(directory, port)


def stop(directory: str | os.PathLike) -> None:
    """Stop the cluster in `directory` (fast shutdown: open sessions are ended); nothing if it is not running."""
    directory = Path(directory).resolve()
    if _running(directory):
        _run([bin_dir() / "pg_ctl", "-D", directory, "-m", "fast", "-w", "stop"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.postgres", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    start_cmd = sub.add_parser("start", help="create (if empty) and start a cluster; print its conninfo")
    start_cmd.add_argument("--dir", required=True, help="the cluster's directory (data and socket)")
    start_cmd.add_argument("--port", type=int, default=5433)
    stop_cmd = sub.add_parser("stop", help="stop the cluster in --dir")
    stop_cmd.add_argument("--dir", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            print(start(args.dir, args.port))
        else:
            stop(args.dir)
    except (PostgresUnavailable, KeyError, OSError) as exc:
        print(f"postgres: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
