"""Times that the unit tests count instead of measuring: PBKDF2 checks, lockout refusals, zip-bomb refusals, xlsx export.

The tests prove the work (one full PBKDF2 run per check, whether the name exists or not; no sleep in
the gate; no member decompressed, no directory parsed for a bomb; no openpyxl in the export); this
prints what that work costs on this machine, next to the targets the tests once asserted, so that
`make test` needs no wall clock and stays green on a loaded machine. Each figure: median of
BENCH_CHECK_RUNS (5; BENCH_QUICK=1: 3). PBKDF2 and the export are CPU time (other processes do not count).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import struct
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metrics.accounts import ITERATIONS, Accounts, PasswordHash, hash_password
from metrics.auth import AnalystGate
from metrics.export import table_xlsx_bytes
from metrics.guards import MAX_ZIP_MEMBERS, check_file

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
RUNS = 3 if QUICK else int(os.environ.get("BENCH_CHECK_RUNS", "5"))
CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def median_of(fn, runs: int = RUNS, clock=time.perf_counter) -> float:
    times = []
    for _ in range(runs):
        started = clock()
        fn()
        times.append(clock() - started)
    return statistics.median(times)


def ratio_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("xl/workbook.xml", b"<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(16):
                member.write(b"\0" * (1 << 20))
    return out.getvalue()


def many_members() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("xl/workbook.xml", b"<workbook/>")
        for i in range(MAX_ZIP_MEMBERS):
            z.writestr(f"xl/m{i}.xml", b"")
    data = bytearray(out.getvalue())
    end = data.rfind(b"PK\5\6")
    data[end + 8 : end + 12] = struct.pack("<HH", 5, 5)  # the end record lies about the count
    return bytes(data)


def export_frame(n: int = 50_000) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "park": [f"园区{k % 50}" for k in range(n)],
            "chain": [None if k % 3 == 0 else f"链{k % 7}" for k in range(n)],
            "period_start": [dt.date(2024, 1, 1)] * n,
            "period_end": [dt.date(2024, 12, 31)] * n,
            "indicator": ["revenue"] * n,
            "value": [k * 1.5 for k in range(n)],
            "qualifier": ["exact"] * n,
            "source": [f"a.xlsx!表!{k}" for k in range(n)],
            "basis": ["reported"] * n,
            "reference": [None] * n,
        }
    )


def main() -> int:
    rows: list[tuple[str, str, str, bool]] = []

    encoded = hash_password("x" * 12)
    accounts = Accounts({"张三": PasswordHash.parse(encoded)}, sources=("bench",))
    gate = AnalystGate(accounts=accounts, free_failures=10**9, global_free_failures=10**9)
    counter = iter(range(10**9))
    # CPU time of this process: the check runs on this thread, and other processes' load does not count.
    known = median_of(lambda: gate.attempt(f"k{next(counter)}", "wrong", name="张三"), clock=time.process_time)
    unknown = median_of(lambda: gate.attempt(f"u{next(counter)}", "wrong", name="nobody"), clock=time.process_time)
    rows.append((f"PBKDF2 check, {ITERATIONS:,} rounds (known name, CPU)", f"{known:.3f} s", "> 0.01 s", known > 0.01))
    ratio = unknown / known
    rows.append(("unknown / known name check time (CPU)", f"{ratio:.2f}", "0.6–1.6", 0.6 < ratio < 1.6))

    locked = AnalystGate("right", base_delay=30.0)
    for _ in range(3):
        locked.attempt("c", "wrong")
    refusal = median_of(lambda: locked.attempt("c", "right"))
    rows.append(("locked-out attempt refused", f"{refusal * 1e6:.0f} µs", "< 100 ms", refusal < 0.1))

    for label, data, target in (
        ("zip bomb refused by ratio (16 MB of zeros)", ratio_bomb(), 0.1),
        ("zip with 10,002 members (count lies)", many_members(), 0.1),
    ):
        seconds = median_of(lambda data=data: check_file(data, "bomb.xlsx"))
        rows.append((label, f"{seconds * 1000:.1f} ms", f"< {target * 1000:.0f} ms", seconds < target))

    frame = export_frame()
    cpu = median_of(lambda: table_xlsx_bytes(frame, units={"value": "万元"}), clock=time.process_time)
    rows.append(("xlsx export, 50,000 rows × 10 columns (CPU)", f"{cpu:.2f} s", "< 3 s", cpu < 3.0))

    width = max(len(r[0]) for r in rows)
    print(f"{'check':{width}}  {'measured':>12}  {'target':>10}")
    for label, measured, target, ok in rows:
        print(f"{label:{width}}  {measured:>12}  {target:>10}  {'✔' if ok else '✘'}")
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
