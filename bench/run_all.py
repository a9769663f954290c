"""Run every bench/bench_*.py in turn, each in its own process; a failing one does not stop the rest.

Usage: python bench/run_all.py [name-substring ...]   (BENCH_QUICK=1 for small sizes; passed through)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


def bench_scripts(selected: list[str]) -> list[Path]:
    """The bench scripts, sorted by name, limited to those whose name contains a selected word."""
    scripts = sorted(BENCH_DIR.glob("bench_*.py"))
    return [s for s in scripts if not selected or any(word in s.name for word in selected)]


def main(argv: list[str]) -> int:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    quick = env.get("BENCH_QUICK", "") not in ("", "0")
    outcomes: list[tuple[str, str, float]] = []
    for script in bench_scripts(argv):
        print(f"\n=== {script.name}{'  (BENCH_QUICK)' if quick else ''} ===", flush=True)
        started = time.perf_counter()
        try:
            code = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, check=False).returncode
            outcome = "ok" if code == 0 else f"failed (exit {code})"
        except OSError as exc:  # could not even start it; report and go on
            outcome = f"failed ({exc})"
        outcomes.append((script.name, outcome, time.perf_counter() - started))
    print("\n=== summary ===")
    width = max((len(name) for name, _, _ in outcomes), default=10)
    for name, outcome, seconds in outcomes:
        print(f"{name:<{width}}  {seconds:8.1f} s  {outcome}")
    if not outcomes:
        print("no bench/bench_*.py scripts found")
    return 0 if all(outcome == "ok" for _, outcome, _ in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
