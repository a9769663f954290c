"""The long run of the store's model-based test: thousands of random sequences of loads, reloads, undos in
any order and restores (tests/store_model.py), each step checked against the reference model of the rule in
docs/ARCHITECTURE.md ("Which value is current"). Prints the count, the steps run and the result.

Usage: python bench/bench_store_model.py [SEQUENCES] [STEPS]   (default 1000 x 12; BENCH_QUICK=1: 100 x 12)
(About 0.1-0.2 s a step here: every write copies, commits and publishes a database file.)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis.stateful import run_state_machine_as_test  # noqa: E402
from store_model import StoreMachine  # noqa: E402


class CountingMachine(StoreMachine):
    """The same machine, counting sequences and steps."""

    sequences = 0
    steps = 0

    def __init__(self):
        super().__init__()
        CountingMachine.sequences += 1

    def check_invariants(self, *args, **kwargs):
        CountingMachine.steps += 1
        return super().check_invariants(*args, **kwargs)


def main(argv: list[str]) -> int:
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    sequences = int(argv[0]) if argv else (100 if quick else 1000)
    steps = int(argv[1]) if len(argv) > 1 else 12
    started = time.perf_counter()
    outcome = "passed"
    try:
        run_state_machine_as_test(
            CountingMachine,
            settings=settings(
                max_examples=sequences,
                stateful_step_count=steps,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    except Exception as exc:  # a counterexample: Hypothesis printed the shrunk sequence above
        outcome = f"FAILED: {type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - started
    print(
        f"store model: {CountingMachine.sequences} sequences (asked {sequences}, up to {steps} steps each), "
        f"{CountingMachine.steps} checked steps in {seconds:.0f} s "
        f"({1000 * seconds / max(CountingMachine.steps, 1):.0f} ms a step): {outcome}"
    )
    return 0 if outcome == "passed" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
