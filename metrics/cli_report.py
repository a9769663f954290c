"""`python -m metrics report`: the A4 report of a view as .docx or PDF, for a scheduled job or by hand."""

from __future__ import annotations

from pathlib import Path

from metrics import cli_view, queries

_T = {
    "failed": ("无法生成报告：{reason}", "Cannot make the report: {reason}"),
    "written": ("已生成报告：{out}（{kb} KB）", "Report written: {out} ({kb} KB)"),
}


def _t(key: str, lang: str) -> str:
    zh, en = _T[key]
    return en if lang == "en" else zh


def output_format(fmt: str | None, out: str) -> str:
    """--format, else the output file's suffix (.pdf), else docx."""
    if fmt:
        return fmt
    return "pdf" if Path(out).suffix.lower() == ".pdf" else "docx"


def run(args) -> int:
    """Write the report; exit 1 with a message (in --lang) when it cannot be made."""
    from metrics.report import ReportUnavailable, report_bytes
    from metrics.store import Store, StoreError

    lang = args.lang or "zh"
    period, problem = cli_view.period_option(args.period, lang)
    problem = problem or cli_view.missing_database(args.db, lang)
    if problem:
        return cli_view.fail(problem)
    fmt = output_format(args.format, args.out)
    try:
        store = Store(args.db)
        parks = cli_view.canonical_parks(store, args.park)
        data = report_bytes(store, queries.Filters(period=period, parks=parks), fmt, lang)
    except ReportUnavailable as exc:
        return cli_view.fail(_t("failed", lang).format(reason=exc.message(lang)))
    except StoreError as exc:
        return cli_view.fail(_t("failed", lang).format(reason=exc.message(lang)))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(_t("written", lang).format(out=out, kb=max(1, len(data) // 1024)))
    return 0
