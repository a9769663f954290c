"""Runs the dashboard as a cluster on this machine: PostgreSQL, several Streamlit servers over one store, nginx in front.

`python -m deploy.cluster start|stop|status|seed [--dir D]` (`make cluster`, `make cluster-stop`). Every
process is started detached, recorded with its pid in `<dir>/cluster.json` and stopped by that pid (after
checking that the pid still runs what was started). docs/DEPLOY.md says how the same parts run on several
machines.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import tomllib
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "data" / "cluster"
DEFAULT_PORTS = (8601, 8602)
DEFAULT_PROXY_PORT = 8600
DEFAULT_PG_PORT = 5433
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
STATE_FILE = "cluster.json"
ROUTE_COOKIE = "parkdash_server"
STREAMLIT_DEFAULT_UPLOAD_MB = 200  # Streamlit's own default for server.maxUploadSize
START_TIMEOUT = 180.0  # two Streamlit servers starting on two busy cores take a while
STOP_TIMEOUT = 10.0
STORES = ("shared", "file")


class ClusterError(RuntimeError):
    """A cluster that cannot start (busy port, missing program, a part that died): the message says which."""


@dataclass
class Part:
    """One started process: what it is, its pid, a word of its command line (to recognise it) and its log."""

    name: str
    pid: int
    marker: str
    log: str
    url: str = ""
    port: int = 0


@dataclass
class Cluster:
    """What `start` started, as kept in `<dir>/cluster.json`."""

    run_dir: str
    store: str
    db: str
    lake_data: str = ""
    pg_port: int = 0
    servers: list[Part] = field(default_factory=list)
    nginx: Part | None = None

    @property
    def url(self) -> str:
        return self.nginx.url if self.nginx else ""

    def save(self) -> None:
        path = Path(self.run_dir) / STATE_FILE
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def read(cls, run_dir: Path) -> Cluster | None:
        path = Path(run_dir) / STATE_FILE
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        data["servers"] = [Part(**p) for p in data.get("servers", [])]
        data["nginx"] = Part(**data["nginx"]) if data.get("nginx") else None
        return cls(**data)


def _postgres():
    """deploy.postgres (the shared store's PostgreSQL), or a ClusterError saying it is not in this checkout."""
    try:
        from deploy import postgres
    except ImportError as exc:
        raise ClusterError(
            f"the shared store needs deploy/postgres.py ({exc}); use --store file for servers sharing one DuckDB file"
        ) from exc
    return postgres


def nginx_binary() -> str | None:
    """Debian's nginx (installed by .ci/sysdeps.sh), or None."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def upload_limit_mb() -> int:
    """The app's upload limit: server.maxUploadSize of .streamlit/config.toml (Streamlit's default without it)."""
    path = ROOT / ".streamlit" / "config.toml"
    config = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return int(config.get("server", {}).get("maxUploadSize", STREAMLIT_DEFAULT_UPLOAD_MB))


class _Template(string.Template):
    delimiter = "@"  # nginx's own variables start with $


def nginx_config(run_dir: Path, listen: str, upstreams: list[str]) -> str:
    """The nginx configuration from deploy/nginx.conf.template for these app servers."""
    nginx_dir = run_dir / "nginx"
    return _Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        pid_file=nginx_dir / "nginx.pid",
        log_dir=nginx_dir / "logs",
        temp_dir=nginx_dir / "temp",
        max_body=f"{upload_limit_mb() + 1}m",
        route_cookie=ROUTE_COOKIE,
        servers="\n".join(f"        server {address};" for address in upstreams),
        listen=listen,
    )


def free_ports(count: int) -> list[int]:
    """`count` distinct TCP ports free on this machine now (for tests and benches that start a cluster)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _port_free(port: int, host: str) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _socket_open(path: Path) -> bool:
    """Whether a server accepts connections on the Unix socket `path` (PostgreSQL listens on no TCP port)."""
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(1)
            s.connect(str(path))
            return True
    except OSError:
        return False


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=3) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


def alive(part: Part) -> bool:
    """Whether `part`'s pid still runs the process that was started (not a zombie, not a reused pid)."""
    try:
        os.waitpid(part.pid, os.WNOHANG)  # reaps it if this process started it and it has ended
    except ChildProcessError:
        pass
    try:
        stat = Path(f"/proc/{part.pid}/stat").read_text()
        cmdline = Path(f"/proc/{part.pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    state = stat.rsplit(")", 1)[1].split()[0]
    return state not in ("Z", "X") and part.marker in cmdline


def _tail(path: str, lines: int = 30) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _spawn(name: str, command: list[str], log: Path, marker: str, env: dict | None = None, **where) -> Part:
    """Start `command` detached (own session: it outlives `make cluster`), output to a fresh `log` (the last
    run's kept as `<log>.previous`: a server's analyst token is read from its log and must be this run's)."""
    if log.exists():
        log.replace(log.with_name(log.name + ".previous"))
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    return Part(name=name, pid=process.pid, marker=marker, log=str(log), **where)


def _wait_healthy(part: Part, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(part):
            raise ClusterError(f"{part.name} exited while starting; its log ({part.log}) ends:\n{_tail(part.log)}")
        if _healthy(part.url):
            return
        time.sleep(0.3)
    raise ClusterError(f"{part.name} not healthy within {timeout:.0f} s; its log ({part.log}) ends:\n{_tail(part.log)}")


def store_env(cluster: Cluster) -> dict[str, str]:
    """The environment naming the cluster's store, as every server and the CLI get it."""
    env = {"PARKDASH_DB": cluster.db}
    if cluster.lake_data:
        env["PARKDASH_LAKE_DATA"] = cluster.lake_data
    return env


def _cookie_secret(run_dir: Path) -> str:
    """One cookie secret for every server (Streamlit signs its auth cookies with it), kept in the run dir."""
    path = run_dir / "cookie_secret"
    if not path.is_file():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _open_store(run_dir: Path, store: str, pg_port: int) -> Cluster:
    if store == "file":
        return Cluster(run_dir=str(run_dir), store=store, db=str(run_dir / "parks.duckdb"))
    postgres = _postgres()
    try:
        conninfo = postgres.start(run_dir / "postgres", pg_port)
    except postgres.PostgresUnavailable as exc:
        raise ClusterError(str(exc)) from exc
    lake = run_dir / "lake"
    lake.mkdir(parents=True, exist_ok=True)
    return Cluster(
        run_dir=str(run_dir), store=store, db=f"ducklake:postgres:{conninfo}", lake_data=str(lake), pg_port=pg_port
    )


def _seed(cluster: Cluster) -> str:
    """Load the sample data into the store once, in a process of its own, as the first page view would."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), **store_env(cluster))
    done = subprocess.run(
        [sys.executable, "-m", "deploy.cluster", "seed"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise ClusterError(f"loading the sample data failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def seed_store() -> str:
    """Load the bundled sample data into PARKDASH_DB's store if it never held a load; says what it did."""
    from metrics.sample import ensure_sample_data
    from metrics.store import Store

    store = Store()
    if not store.loads().empty:
        return "sample data: the store already holds loads, left as it is"
    reports = ensure_sample_data(store)
    return "sample data: " + ", ".join(f"{r.file} {r.status}" for r in reports)


def start(
    run_dir: Path = DEFAULT_DIR,
    ports: tuple[int, ...] = DEFAULT_PORTS,
    proxy_port: int = DEFAULT_PROXY_PORT,
    pg_port: int = DEFAULT_PG_PORT,
    store: str = "shared",
    address: str = "127.0.0.1",
) -> Cluster:
    """Start the store, one Streamlit server per port and nginx on `proxy_port`; stops what it started on failure."""
    run_dir = Path(run_dir).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    previous = Cluster.read(run_dir)
    if previous and any(alive(p) for p in _parts(previous)):
        raise ClusterError(f"a cluster already runs from {run_dir}: `python -m deploy.cluster stop --dir {run_dir}`")
    nginx = nginx_binary()
    if nginx is None:
        raise ClusterError("nginx is not installed (Debian package nginx; `make sysdeps` installs it as root)")
    wanted = [*ports, proxy_port]  # PostgreSQL listens on a socket in the run dir, no TCP port
    busy = [p for p in wanted if not _port_free(p, "127.0.0.1") or not _port_free(p, address)]
    if busy or len(set(wanted)) != len(wanted):
        raise ClusterError(f"ports in use or given twice: {busy or wanted}")

    cluster = _open_store(run_dir, store, pg_port)
    cluster.save()
    try:
        _seed(cluster)
        env = dict(os.environ, PYTHONPATH=str(ROOT), STREAMLIT_SERVER_COOKIE_SECRET=_cookie_secret(run_dir))
        env.update(store_env(cluster))
        for number, port in enumerate(ports, start=1):
            command = [
                sys.executable, "-m", "streamlit", "run", "dashboard.py",
                "--server.headless", "true", "--server.port", str(port), "--server.address", address,
                "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
            ]  # fmt: skip
            url = f"http://{'127.0.0.1' if address in ('0.0.0.0', '::') else address}:{port}"
            server = _spawn(
                f"server {number}", command, run_dir / f"server-{port}.log", "streamlit", env=env, url=url, port=port
            )
            cluster.servers.append(server)
            cluster.save()
        for server in cluster.servers:
            _wait_healthy(server, START_TIMEOUT)

        nginx_dir = run_dir / "nginx"
        for sub in ("logs", "temp"):
            (nginx_dir / sub).mkdir(parents=True, exist_ok=True)
        conf = nginx_dir / "nginx.conf"
        upstreams = [f"{server.url.removeprefix('http://')}" for server in cluster.servers]
        conf.write_text(nginx_config(run_dir, f"{address}:{proxy_port}", upstreams), encoding="utf-8")
        command = [nginx, "-p", str(nginx_dir), "-c", str(conf), "-e", str(nginx_dir / "logs" / "error.log")]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if checked.returncode != 0:
            raise ClusterError(f"nginx refuses {conf}:\n{checked.stderr}")
        proxy_url = f"http://127.0.0.1:{proxy_port}"
        cluster.nginx = _spawn(
            "nginx", command, nginx_dir / "logs" / "nginx.out", str(conf), url=proxy_url, port=proxy_port
        )
        cluster.save()
        _wait_healthy(cluster.nginx, 30)
    except BaseException:
        stop(run_dir)
        raise
    return cluster


def _parts(cluster: Cluster) -> list[Part]:
    return ([cluster.nginx] if cluster.nginx else []) + list(cluster.servers)


def _end(part: Part) -> str:
    """SIGTERM, then SIGKILL after STOP_TIMEOUT; only while the pid still runs what was started."""
    if not alive(part):
        return f"{part.name}: not running"
    os.kill(part.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while alive(part) and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive(part):
        os.kill(part.pid, signal.SIGKILL)
        while alive(part):
            time.sleep(0.1)
        return f"{part.name}: killed (pid {part.pid}, no exit within {STOP_TIMEOUT:.0f} s)"
    return f"{part.name}: stopped (pid {part.pid})"


def stop(run_dir: Path = DEFAULT_DIR) -> list[str]:
    """Stop nginx, the servers and PostgreSQL of the cluster in `run_dir`; lines saying what was stopped."""
    run_dir = Path(run_dir).resolve()
    cluster = Cluster.read(run_dir)
    if cluster is None:
        return [f"no cluster recorded in {run_dir}"]
    said = [_end(part) for part in _parts(cluster)]
    if cluster.store == "shared":
        _postgres().stop(run_dir / "postgres")
        said.append(f"postgres: stopped ({run_dir / 'postgres'})")
    (run_dir / STATE_FILE).unlink(missing_ok=True)
    return said


def tokens(cluster: Cluster) -> dict[str, str]:
    """Each server's one-time analyst token (printed in its log when no password or accounts are set)."""
    found = {}
    for server in cluster.servers:
        for line in _tail(server.log, 100_000).splitlines():
            if line.startswith("Analyst token: "):
                found[server.name] = line.removeprefix("Analyst token: ").strip()
    return found


def status(run_dir: Path = DEFAULT_DIR) -> tuple[bool, list[str]]:
    """Whether every part runs, and a line per part: what it is, where, its pid and log."""
    cluster = Cluster.read(Path(run_dir).resolve())
    if cluster is None:
        return False, [f"no cluster recorded in {Path(run_dir).resolve()}"]
    ok = True
    lines = [f"store     {cluster.db}" + (f"  (lake data {cluster.lake_data})" if cluster.lake_data else "")]
    if cluster.store == "shared":
        pg_dir = Path(cluster.run_dir) / "postgres"
        up = _socket_open(pg_dir / f".s.PGSQL.{cluster.pg_port}")
        ok &= up
        state = "accepting connections" if up else "NOT RUNNING"
        lines.append(f"postgres  socket in {pg_dir}, port {cluster.pg_port}  {state}  log {pg_dir / 'server.log'}")
    for part in [*cluster.servers, *([cluster.nginx] if cluster.nginx else [])]:
        running = alive(part)
        health = "healthy" if running and _healthy(part.url) else ("not answering" if running else "NOT RUNNING")
        ok &= health == "healthy"
        lines.append(f"{part.name:<9} {part.url}  pid {part.pid}  {health}  log {part.log}")
    if cluster.nginx is None:
        ok = False
        lines.append("nginx     NOT STARTED")
    for name, token in tokens(cluster).items():
        lines.append(f"{name} analyst token (no password set): {token}")
    return ok, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.cluster", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    begin = sub.add_parser("start", help="start the store, the app servers and nginx")
    begin.add_argument("--ports", type=int, nargs="+", default=list(DEFAULT_PORTS), help="one port per app server")
    begin.add_argument("--proxy-port", type=int, default=DEFAULT_PROXY_PORT, help="nginx's port (the one to open)")
    begin.add_argument("--pg-port", type=int, default=DEFAULT_PG_PORT, help="PostgreSQL's port (shared store)")
    begin.add_argument(
        "--store", choices=STORES, default="shared",
        help="shared: DuckLake, catalog in PostgreSQL (default); file: one embedded DuckDB file in the run dir",
    )  # fmt: skip
    begin.add_argument("--address", default="127.0.0.1", help="address the servers and nginx listen on")
    sub.add_parser("stop", help="stop everything the cluster in --dir started")
    sub.add_parser("status", help="what runs where")
    sub.add_parser("seed", help="load the sample data into PARKDASH_DB's store if it never held a load")
    for command in sub.choices.values():
        command.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="run dir (default data/cluster/)")
    args = parser.parse_args(argv)

    try:
        if args.command == "start":
            cluster = start(args.dir, tuple(args.ports), args.proxy_port, args.pg_port, args.store, args.address)
            print(f"cluster started: open {cluster.url}")
            if not (os.environ.get("PARKDASH_ANALYST_PASSWORD") or os.environ.get("PARKDASH_ANALYSTS_FILE")):
                print(
                    "no PARKDASH_ANALYST_PASSWORD or PARKDASH_ANALYSTS_FILE: each server makes its own analyst token "
                    "on its first page view, valid on that server only (`make cluster-status` lists them)"
                )
            print("\n".join(status(args.dir)[1]))
            print(f"stop with: make cluster-stop (python -m deploy.cluster stop --dir {Path(args.dir).resolve()})")
            return 0
        if args.command == "stop":
            print("\n".join(stop(args.dir)))
            return 0
        if args.command == "status":
            ok, lines = status(args.dir)
            print("\n".join(lines))
            return 0 if ok else 1
        print(seed_store())
        return 0
    except ClusterError as exc:
        print(f"cluster: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
