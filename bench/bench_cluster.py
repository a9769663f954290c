"""The viewer ramp through nginx in front of two app servers (deploy/cluster.py), and each part's memory.

Starts a cluster as `make cluster` does (shared store when deploy/postgres.py is in the tree, else one
embedded DuckDB file; free ports, a temp run dir), measures it with `bench/bench_viewers.py --url` (the
overview and the parks page; the one-line floor page exists only in that script's own app copy), and stops
it. Memory (PSS: resident, shared pages split among sharers) of each server, nginx and PostgreSQL is read
from /proc before the ramp, at its peak (sampled every 0.5 s) and after. On a 2-core machine two Streamlit servers share the two cores with
nginx, PostgreSQL and the simulated viewers, so the gain over one server is well below 2x here.

Usage: python bench/bench_cluster.py [--store shared|file] [--keep] [options of bench_viewers.py ...]
       (BENCH_QUICK=1 passes --quick)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import cluster as cl  # noqa: E402

VIEWERS = ROOT / "bench" / "bench_viewers.py"


def _pss_mb(pid: int) -> float:
    """Proportional set size: resident memory with shared pages split among their sharers, so the sum over
    PostgreSQL's backends does not count its shared buffers once per backend (RSS would)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    """`pid`'s direct children (nginx's workers, PostgreSQL's backends)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _postmaster(cluster: cl.Cluster) -> int | None:
    pid_file = Path(cluster.run_dir) / "postgres" / "postmaster.pid"
    try:
        return int(pid_file.read_text().split()[0])
    except (OSError, IndexError, ValueError):
        return None


def memory(cluster: cl.Cluster) -> dict[str, float]:
    """PSS in MB per part: each server, nginx (master + workers), PostgreSQL (postmaster + every backend)."""
    parts = {server.name: _pss_mb(server.pid) for server in cluster.servers}
    if cluster.nginx:
        parts["nginx"] = sum(_pss_mb(p) for p in [cluster.nginx.pid, *_children(cluster.nginx.pid)])
    postmaster = _postmaster(cluster)
    if postmaster:
        parts["postgres"] = sum(_pss_mb(p) for p in [postmaster, *_children(postmaster)])
    return parts


class PeakSampler(threading.Thread):
    """Samples memory() every 0.5 s until stopped; keeps each part's peak."""

    def __init__(self, cluster: cl.Cluster):
        super().__init__(daemon=True)
        self.cluster = cluster
        self.peak: dict[str, float] = {}
        self.pg_processes = 0  # PostgreSQL's children at most: its own workers and one backend per connection
        self._halt = threading.Event()

    def run(self) -> None:
        postmaster = _postmaster(self.cluster)
        while not self._halt.wait(0.5):
            for name, mb in memory(self.cluster).items():
                self.peak[name] = max(self.peak.get(name, 0.0), mb)
            if postmaster:
                self.pg_processes = max(self.pg_processes, len(_children(postmaster)))

    def stop(self) -> dict[str, float]:
        self._halt.set()
        self.join()
        return self.peak


def store_kind() -> str:
    try:
        from deploy import postgres  # noqa: F401
    except ImportError:
        return "file"
    return "shared"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=cl.STORES, default=None, help="default: shared if deploy/postgres.py exists")
    parser.add_argument("--keep", action="store_true", help="leave the cluster running (prints its run dir)")
    args, passed = parser.parse_known_args(argv)
    if not VIEWERS.exists():
        print("bench_cluster: bench/bench_viewers.py is not in this tree; nothing to measure", file=sys.stderr)
        return 1
    if cl.nginx_binary() is None:
        print("bench_cluster: nginx is not installed (make sysdeps, as root); skipped", file=sys.stderr)
        return 0
    if os.environ.get("BENCH_QUICK", "") not in ("", "0") and "--quick" not in passed:
        passed.append("--quick")
    store = args.store or store_kind()
    run_dir = Path(tempfile.mkdtemp(prefix="parkdash-cluster-"))
    run_dir.chmod(0o755)  # PostgreSQL runs as `postgres` and must reach its directory inside
    server_1, server_2, proxy, pg = cl.free_ports(4)
    cluster = cl.start(run_dir, (server_1, server_2), proxy, pg, store=store)
    try:
        print(f"cluster: nginx {cluster.url} -> {', '.join(s.url for s in cluster.servers)}; store {store}", flush=True)
        idle = memory(cluster)
        sampler = PeakSampler(cluster)
        sampler.start()
        pids = [str(s.pid) for s in cluster.servers]
        command = [sys.executable, str(VIEWERS), "--url", cluster.url, "--pid", *pids, "--pages", "overview,parks"]
        code = subprocess.run([*command, *passed], cwd=ROOT, check=False).returncode
        peak = sampler.stop()
        after = memory(cluster)
        print("\nmemory (PSS, MB): started = before any page view, peak = during the ramp, after = sessions closed")
        print(f"{'part':<10} {'started':>8} {'peak':>8} {'after':>8}")
        for name in idle:
            print(f"{name:<10} {idle[name]:8.1f} {peak.get(name, 0):8.1f} {after.get(name, 0):8.1f}")
        if sampler.pg_processes:
            print(f"PostgreSQL processes at most (its own workers + one per connection): {sampler.pg_processes}")
        print("two cores here: both servers, nginx, PostgreSQL and the simulated viewers share them")
    finally:
        if args.keep:
            print(f"left running: python -m deploy.cluster status --dir {run_dir}")
        else:
            cl.stop(run_dir)
            shutil.rmtree(run_dir, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
