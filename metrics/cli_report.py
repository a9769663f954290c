"""`python -m metrics report`: the A4 report of a view as .docx or PDF, for a scheduled job or by hand."""

from __future__ import annotations

import sys
from pathlib import Path

from metrics import queries
from metrics.periods import parse_period

_T = {
    "bad_period": (
        "无法识别的时期：{period}（例如 2024、2024年前三季度、2024Q3、2024-09）",
        "Unrecognised period: {period} (e.g. 2024, 2024年前三季度, 2024Q3, 2024-09)",
    ),
    "no_db": ("找不到数据库文件：{path}", "Database file not found: {path}"),
    "failed": ("无法生成报告：{reason}", "Cannot make the report: {reason}"),
    "written": ("已生成报告：{out}（{kb} KB）", "Report written: {out} ({kb} KB)"),
}


def _t(key: str, lang: str) -> str:
    zh, en = _T[key]
    return en if lang == "en" else zh


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def output_format(fmt: str | None, out: str) -> str:
    """--format, else the output file's suffix (.pdf), else docx."""
    if fmt:
        return fmt
    return "pdf" if Path(out).suffix.lower() == ".pdf" else "docx"


def run(args) -> int:
    """Write the report; exit 1 with a message (in --lang) when it cannot be made."""
    from metrics.config import database_missing
    from metrics.report import ReportUnavailable, report_bytes
    from metrics.store import Store, StoreError

    lang = args.lang or "zh"
    period = None
    if args.period:
        period = parse_period(args.period)
        if period is None:
            return _fail(_t("bad_period", lang).format(period=args.period))
    missing = database_missing(args.db)
    if missing is not None:
        return _fail(_t("no_db", lang).format(path=missing))
    fmt = output_format(args.format, args.out)
    try:
        store = Store(args.db)
        parks = tuple(store.catalog.canonical_park(p) or p.strip() for p in (args.park or ()))
        data = report_bytes(store, queries.Filters(period=period, parks=parks), fmt, lang)
    except ReportUnavailable as exc:
        return _fail(_t("failed", lang).format(reason=exc.message(lang)))
    except StoreError as exc:
        return _fail(_t("failed", lang).format(reason=getattr(exc, f"message_{lang}", str(exc))))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(_t("written", lang).format(out=out, kb=max(1, len(data) // 1024)))
    return 0
