"""`python -m metrics ingest FILE... [--db PATH] [--json] [--skip-bad-rows] [--park NAME] [--period LABEL]
[--indicator ID_OR_NAME] [--add-indicators]` (CONTRACT §5), plus `--skip-bad-cells`, `--dry-run` and
`--strict` (plausibility warnings are errors)."""

from __future__ import annotations

import dataclasses
import getpass
import json
import os
import sys
from pathlib import Path

from metrics.catalog import CatalogError
from metrics.config import db_setting
from metrics.ingest.context import ContextError, IngestContext
from metrics.lakestore import is_lake
from metrics.model import IngestReport
from metrics.store import Store, StoreError

MAX_ERRORS_SHOWN = 20


def cli_lang() -> str:
    """Language of human-readable output: PARKDASH_LANG=en for English, Chinese otherwise."""
    return "en" if os.environ.get("PARKDASH_LANG", "").lower().startswith("en") else "zh"


def cli_text(zh: str, en: str) -> str:
    """The message in the language of human-readable output (cli_lang)."""
    return en if cli_lang() == "en" else zh


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def open_store(db: str | None) -> Store | None:
    """The store named by --db (or the default); None, with a message on stderr, when it cannot be opened."""
    try:
        path = Path(db or db_setting())
        if not is_lake(str(db or db_setting())) and path.is_file() and path.stat().st_size:
            with path.open("rb") as fh:
                if fh.read(12)[8:12] != b"DUCK":  # DuckDB's magic bytes, checked without waiting for a lock
                    raise ValueError("not a DuckDB database file")
        return Store(db)
    except (OSError, StoreError, Exception) as exc:  # noqa: BLE001 - a bad --db is reported, not a traceback
        what = cli_text("无法打开数据库", "cannot open the database")
        print(f"{what}: {db or ''} ({type(exc).__name__}: {exc})", file=sys.stderr)
        return None


def unreadable_report(file_arg: str, exc: OSError) -> IngestReport:
    """A rejected report for a file that could not be read from disk."""
    reason = "文件不存在" if isinstance(exc, FileNotFoundError) else "无法读取文件"
    reason_en = "file not found" if isinstance(exc, FileNotFoundError) else "cannot read the file"
    return IngestReport(
        file=file_arg,
        status="rejected",
        fatal=f"{reason}：{file_arg}",
        fatal_en=f"{reason_en}: {file_arg} ({exc.strerror or exc})",
    )


def ingest_one(
    store: Store,
    file_arg: str,
    skip_bad_rows: bool,
    actor: str,
    context: IngestContext | None = None,
    skip_bad_cells: bool = False,
    dry_run: bool = False,
    strict: bool = False,
) -> IngestReport:
    """Read, check and load one file named on the command line (or, with dry_run, only compare it); with
    context.add_indicators, the indicators made of its unknown labels are added to the catalog first (only
    when the file is then loaded)."""
    from metrics.cells import with_valid_cells
    from metrics.ingest import read_file
    from metrics.plausibility import check

    try:
        data = Path(file_arg).read_bytes()
    except OSError as exc:
        return unreadable_report(file_arg, exc)
    parsed = read_file(data, Path(file_arg).name, catalog=store.catalog, context=context)
    if skip_bad_cells:
        parsed = with_valid_cells(parsed)
    if not parsed.report.fatal:
        parsed.report.warnings = check(parsed, store)
    skip = skip_bad_rows or skip_bad_cells
    if strict and parsed.report.warnings:
        return rejected(parsed.report, errors=[*parsed.report.errors, *parsed.report.warnings])
    if dry_run:
        return dry_run_report(store, parsed, skip)

    def on_wait(zh: str, en: str) -> None:
        print(f"{Path(file_arg).name}: {cli_text(zh, en)}", file=sys.stderr, flush=True)

    report = parsed.report
    loadable = report.fatal is None and (skip or not report.errors) and len(parsed.frame)
    if parsed.new_indicators and loadable:
        try:
            store.add_indicators(parsed.new_indicators, actor=actor, on_wait=on_wait)
        except CatalogError as exc:
            report.status = "rejected"
            report.fatal = "无法添加新指标：" + "；".join(exc.messages("zh"))
            report.fatal_en = "cannot add the new indicators: " + "; ".join(exc.messages("en"))
            return report
        except StoreError as exc:
            report.status = "rejected"
            report.fatal, report.fatal_en = exc.message_zh, exc.message_en
            return report
    return store.load(parsed, skip_bad_rows=skip, actor=actor, on_wait=on_wait)


def rejected(report: IngestReport, **changes) -> IngestReport:
    return dataclasses.replace(
        report, status="rejected", rows_loaded=0, rows_replaced=0, rows_unchanged=0, load_id=None, **changes
    )


def dry_run_report(store: Store, parsed, skip_bad_rows: bool) -> IngestReport:
    """What loading would do, nothing stored: status "dry_run" with the counts, or "rejected" as a load would."""
    report = parsed.report
    if report.fatal or (report.errors and not skip_bad_rows):
        return rejected(report)
    if not len(parsed.frame):
        return rejected(report, fatal="文件中没有可读取的数据。", fatal_en="No figures could be read from the file.")
    counts = store.preview(parsed).counts()
    return dataclasses.replace(
        report,
        status="dry_run",
        rows_loaded=sum(counts.values()),
        rows_replaced=counts["replaced"],
        rows_unchanged=counts["unchanged"],
    )


def contract_json(report: IngestReport, file_arg: str) -> str:
    """One CONTRACT §5 JSON line; `file` is the path as given on the command line."""
    record = report.as_contract()
    record["file"] = file_arg
    if report.fatal_en and cli_lang() == "en" and record["errors"]:
        record["errors"][0]["message"] = report.fatal_en
    return json.dumps(record, ensure_ascii=False)


def human_lines(report: IngestReport, file_arg: str, lang: str, cells: bool = False) -> list[str]:
    """What happened to one file, for a person reading the terminal."""
    en = lang == "en"
    if report.status == "loaded":
        head = (
            f"[loaded] {file_arg}: {report.rows_loaded} figures ({report.rows_replaced} replaced, "
            f"{report.rows_unchanged} unchanged)"
            if en
            else f"[已导入] {file_arg}：{report.rows_loaded} 个数值（替换 {report.rows_replaced} 个，未变 {report.rows_unchanged} 个）"
        )
    elif report.status == "dry_run":
        head = (
            f"[dry run] {file_arg}: would load {report.rows_loaded} figures ({report.rows_new} new, "
            f"{report.rows_replaced} replaced, {report.rows_unchanged} unchanged); nothing stored"
            if en
            else f"[试运行] {file_arg}：将导入 {report.rows_loaded} 个数值（新增 {report.rows_new} 个，替换 "
            f"{report.rows_replaced} 个，未变 {report.rows_unchanged} 个），数据库未改动"
        )
    elif report.status == "unchanged":
        head = (
            f"[unchanged] {file_arg}: already loaded, nothing changed"
            if en
            else f"[未变化] {file_arg}：内容已导入过，数据库未改动"
        )
    else:
        head = f"[rejected] {file_arg}: not loaded" if en else f"[未导入] {file_arg}：文件未导入"
    lines = [head]
    if report.fatal:
        lines.append(f"  {report.fatal_en if en and report.fatal_en else report.fatal}")
    notes = [
        (report.missing, f"missing values: {report.missing}", f"空缺数值：{report.missing} 个"),
        (
            report.totals_skipped,
            f"total rows skipped: {report.totals_skipped}",
            f"跳过合计行：{report.totals_skipped} 行",
        ),
        (report.new_parks, f"new parks: {', '.join(report.new_parks)}", f"新园区：{'、'.join(report.new_parks)}"),
        (
            report.skipped_sheets,
            f"sheets skipped: {', '.join(report.skipped_sheets)}",
            f"跳过的工作表：{'、'.join(report.skipped_sheets)}",
        ),
        (
            report.ignored_columns,
            f"columns ignored: {', '.join(report.ignored_columns)}",
            f"忽略的列：{'、'.join(report.ignored_columns)}",
        ),
        (
            report.unmatched_labels and not report.new_indicators,
            "labels matching no indicator (--add-indicators makes them new ones): "
            + ", ".join(f"{u.label} -> {u.name_zh} ({u.unit or '-'})" for u in report.unmatched_labels),
            "不在指标目录中的标签（--add-indicators 可将其添加为新指标）："
            + "、".join(f"{u.label} → {u.name_zh}（{u.unit or '无单位'}）" for u in report.unmatched_labels),
        ),
        (
            report.new_indicators,
            "new indicators: "
            + ", ".join(f"{n['name_zh']} ({n['unit'] or '-'}, {n['id']})" for n in report.new_indicators),
            "新增指标："
            + "、".join(f"{n['name_zh']}（{n['unit'] or '无单位'}，{n['id']}）" for n in report.new_indicators),
        ),
    ]
    lines += [f"  {text_en if en else text_zh}" for present, text_en, text_zh in notes if present]
    if report.errors:
        skipped = report.status != "rejected"
        left_out_en, left_out_zh = (
            (" (cells left out):", "（这些单元格未导入）：") if cells else (" (rows left out):", "（这些行已跳过）：")
        )
        lines.append(
            f"  {len(report.errors)} row errors" + (left_out_en if skipped else ":")
            if en
            else f"  {len(report.errors)} 处错误"
            + (
                left_out_zh
                if skipped
                else "（使用 --skip-bad-rows 可只导入无误的行，--skip-bad-cells 可只跳过有错误的单元格）："
            )
        )
        for problem in report.errors[:MAX_ERRORS_SHOWN]:
            # the reader's messages already name the file, sheet, row, column and text
            lines.append(f"    {problem.message_en if en and problem.message_en else problem.message}")
        if len(report.errors) > MAX_ERRORS_SHOWN:
            more = len(report.errors) - MAX_ERRORS_SHOWN
            lines.append(f"    … {more} more" if en else f"    …… 另有 {more} 处")
    if report.warnings:
        lines.append(
            f"  {len(report.warnings)} plausibility warnings:" if en else f"  {len(report.warnings)} 条合理性提醒："
        )
        for warning in report.warnings[:MAX_ERRORS_SHOWN]:
            lines.append(f"    {warning.message_en if en and warning.message_en else warning.message}")
        if len(report.warnings) > MAX_ERRORS_SHOWN:
            more = len(report.warnings) - MAX_ERRORS_SHOWN
            lines.append(f"    … {more} more" if en else f"    …… 另有 {more} 条")
    return lines


def run(args) -> int:
    """Load each file; exit 0 when all loaded, were unchanged or passed a dry run, 1 when any was rejected,
    2 on a bad --db, --period or --indicator."""
    store = open_store(args.db)
    if store is None:
        return 2
    context = IngestContext(
        park=getattr(args, "park", None),
        period=getattr(args, "period", None),
        indicator=getattr(args, "indicator", None),
        add_indicators=bool(getattr(args, "add_indicators", False)),
    )
    try:
        context.resolve(store.catalog)
    except ContextError as exc:  # --period or --indicator that names nothing: a usage error
        print(cli_text(*exc.args), file=sys.stderr)
        return 2
    actor, lang = cli_actor(), cli_lang()
    any_rejected = False
    for file_arg in args.files:
        report = ingest_one(
            store,
            file_arg,
            args.skip_bad_rows,
            actor,
            context,
            skip_bad_cells=args.skip_bad_cells,
            dry_run=args.dry_run,
            strict=args.strict,
        )
        any_rejected |= report.status == "rejected"
        if args.json:
            print(contract_json(report, file_arg), flush=True)
        else:
            print("\n".join(human_lines(report, file_arg, lang, cells=args.skip_bad_cells)), flush=True)
    return 1 if any_rejected else 0
