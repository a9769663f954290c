"""Shared fixtures: the real catalog, a fresh DuckDB file per test, and a real PostgreSQL for the shared store."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def catalog():
    from metrics.catalog import default_catalog

    return default_catalog()


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    """A fresh database file; also set as PARKDASH_DB so the CLI and pages use it."""
    path = tmp_path / "parks.duckdb"
    monkeypatch.setenv("PARKDASH_DB", str(path))
    return path


class Postgres:
    """The session's private PostgreSQL cluster (deploy/postgres.py): a database per test."""

    def __init__(self, directory: str, port: int, conninfo: str):
        self.directory, self.port, self.conninfo = directory, port, conninfo
        self._template: str | None = None
        self._template_data = Path()

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.conninfo.replace("dbname=parkdash", "dbname=postgres"), autocommit=True) as con:
            con.execute(statement)

    def new_database(self, template: str | None = None) -> str:
        """Create a database (empty, or a copy of `template`); its conninfo."""
        name = f"t_{uuid.uuid4().hex[:16]}"
        self._admin(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return self.conninfo.replace("dbname=parkdash", f"dbname={name}")

    def new_lake(self, data_dir: Path) -> str:
        """The conninfo of a new shared store with its schema, its data files in `data_dir`. A copy of a
        template made once per session: DuckLake's ATTACH of an empty database (its metadata tables) costs
        ~1.3 s, a copy 0.1 s; the copy's data path is then set to the test's own directory."""
        import psycopg

        from metrics.lakestore import LAKE_PREFIX, LakeStore
        from metrics.store import Store

        if self._template is None:
            conninfo = self.new_database()
            setting = LAKE_PREFIX + conninfo
            self._template_data = Path(self.directory).parent / f"{Path(self.directory).name}-lake-template"
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("PARKDASH_LAKE_DATA", str(self._template_data))
                Store(setting)
            LakeStore.release(setting)
            self._template = conninfo.split()[0].removeprefix("dbname=")
        conninfo = self.new_database(self._template)
        shutil.copytree(self._template_data, data_dir)  # the schema_version row's file (paths are relative)
        with psycopg.connect(conninfo, autocommit=True) as con:
            con.execute("UPDATE ducklake_metadata SET value = %s WHERE key = 'data_path'", (f"{data_dir}/",))
        return conninfo

    def drop_database(self, conninfo: str) -> None:
        name = conninfo.split()[0].removeprefix("dbname=")
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL for the session, started by deploy/postgres.py in a temporary directory and
    removed at the end; skipped (with the reason) only where PostgreSQL is not installed."""
    from deploy import postgres as pg

    try:
        pg.bin_dir()
    except pg.PostgresUnavailable as exc:
        pytest.skip(f"{exc}; .ci/sysdeps.sh installs it when run as root")
    directory = tempfile.mkdtemp(prefix="parkdash-pg-")  # under /tmp: the postgres user must reach it
    try:
        yield Postgres(directory, 5433, pg.start(directory, 5433))  # socket only, in its own directory
    finally:
        pg.stop(directory)
        shutil.rmtree(directory, ignore_errors=True)
        shutil.rmtree(f"{directory}-lake-template", ignore_errors=True)


@pytest.fixture
def lake_db(postgres, tmp_path, monkeypatch) -> str:
    """A fresh shared store (DuckLake: an empty PostgreSQL database, data under tmp_path); also set as
    PARKDASH_DB and PARKDASH_LAKE_DATA so the CLI and pages use it."""
    from metrics.lakestore import LAKE_PREFIX, LakeStore

    conninfo = postgres.new_lake(tmp_path / "lake")
    setting = LAKE_PREFIX + conninfo
    monkeypatch.setenv("PARKDASH_DB", setting)
    monkeypatch.setenv("PARKDASH_LAKE_DATA", str(tmp_path / "lake"))
    yield setting
    LakeStore.release(setting)
    postgres.drop_database(conninfo)


@pytest.fixture(params=["file", "lake"])
def store_db(request) -> Path | str:
    """The store's setting on each backend in turn: a fresh DuckDB file, then a fresh shared store."""
    return request.getfixturevalue("db_path" if request.param == "file" else "lake_db")


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


def python_env(db: Path | str) -> dict:
    """Environment for a subprocess running the CLI against `db` (a file, or the shared store's setting)."""
    env = dict(os.environ)
    env["PARKDASH_DB"] = str(db)
    env["PYTHONPATH"] = str(ROOT)
    return env
