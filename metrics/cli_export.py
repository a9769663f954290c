"""`python -m metrics export [--db PATH] [--format csv|xlsx] [--out FILE] [--lang en|zh]` (CONTRACT §5; --lang added)."""

from __future__ import annotations

import sys
from pathlib import Path

from metrics.cli_ingest import cli_text, open_store
from metrics.config import database_missing
from metrics.export import observations_export_frame, table_csv_bytes, table_xlsx_bytes, with_headers


def _say(zh: str, en: str) -> None:
    print(cli_text(zh, en), file=sys.stderr)


def run(args) -> int:
    """Write the current observations; 0 on success, 1 when there is no database, 2 on a usage error."""
    if args.format == "xlsx" and not args.out and sys.stdout.isatty():
        _say("导出 xlsx 需要 --out 文件名。", "xlsx export needs --out FILE.")
        return 2
    missing = database_missing(args.db)
    if missing is not None:
        _say(f"数据库不存在：{missing}", f"database not found: {missing}")
        return 1
    store = open_store(args.db)
    if store is None:
        return 2
    # Contract ids by default, so scripts reading this output do not break; Chinese headers with --lang zh.
    frame = with_headers(observations_export_frame(store), getattr(args, "lang", "en"))
    data = table_csv_bytes(frame) if args.format == "csv" else table_xlsx_bytes(frame, sheet_name="观测值")
    if args.out:
        out = Path(args.out)
        temp = out.with_name(f".{out.name}.tmp")
        temp.write_bytes(data)
        temp.replace(out)
        _say(f"已导出 {len(frame)} 条数据到 {out}", f"exported {len(frame)} observations to {out}")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return 0
