"""Subprocess body for concurrency and crash tests: load one hand-built file into a database."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from parsed_factory import figure, parsed

from metrics.store import Store


def main(db: str, file_name: str, park: str, value: float, extra_chains: int = 0) -> None:
    def on_wait(zh: str, en: str) -> None:
        print(f"WAITING {en}", file=sys.stderr, flush=True)

    figures = [figure(park, "revenue", value), figure(park, "national_platforms", value, chain="新材料")]
    # many more figures make DuckDB write row groups to the file before the commit
    figures += [figure(park, "revenue", n, chain=f"链{n}", source=f"{file_name}!!{n}") for n in range(extra_chains)]
    report = Store(db).load(parsed(file_name, figures), actor=f"worker:{file_name}", on_wait=on_wait)
    print(json.dumps({"status": report.status, "load_id": report.load_id}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]) if len(sys.argv) > 5 else 0)
