"""`python -m metrics extract FILE... [--year YYYY] [--park NAME] [--out figures.csv] [--candidates all.csv]`:
figures from report text as the long CSV that `python -m metrics ingest` reads."""

from __future__ import annotations

import sys
from pathlib import Path

from metrics.catalog import CatalogError, default_catalog
from metrics.cli_ingest import cli_lang, cli_text, open_store
from metrics.config import database_missing
from metrics.export import table_csv_bytes
from metrics.extract import TextError, candidates_frame, extract_file, long_csv_bytes
from metrics.extract.output import candidate_row, is_loadable


def _catalog(db: str | None):
    """The catalog in effect: the database's (analysts' indicators included) when there is one."""
    if db or database_missing(None) is None:
        store = open_store(db)
        return store.catalog if store else None
    return default_catalog()


def _write(out: str | None, data: bytes) -> None:
    if out in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(out).write_bytes(data)


def run(args) -> int:
    if args.year is not None and not 1900 <= args.year <= 2100:
        print(cli_text(f"年份无效：{args.year}", f"not a year: {args.year}"), file=sys.stderr)
        return 2
    try:
        catalog = _catalog(args.db)
    except CatalogError as exc:
        print("\n".join(exc.messages(cli_lang())), file=sys.stderr)
        return 1
    if catalog is None:
        return 1
    rows, listed, failed = [], [], False
    for file_arg in args.files:
        path = Path(file_arg)
        try:
            extraction = extract_file(path.read_bytes(), path.name, catalog, year=args.year, park=args.park)
        except OSError as exc:
            print(
                cli_text(f"{file_arg}：无法读取文件（{exc}）", f"{file_arg}: cannot read the file ({exc})"),
                file=sys.stderr,
            )
            failed = True
            continue
        except TextError as exc:
            print(f"{file_arg}: {exc.message(cli_lang())}", file=sys.stderr)
            failed = True
            continue
        cands = extraction.candidates
        written = [c for c in cands if is_loadable(c)]
        rows.extend(candidate_row(c, catalog) for c in written)
        listed.append(candidates_frame(cands, catalog, cli_lang()))
        no_indicator = sum(1 for c in cands if not c.indicator)
        unplaced = sum(1 for c in cands if c.indicator and c.proposed and not (c.park and c.period))
        same_key = sum(1 for c in cands if not c.proposed)
        year = extraction.report_year or "?"
        year_how = cli_text("指定", "given") if extraction.year_given else cli_text("推断", "inferred")
        print(
            cli_text(
                f"{path.name}：报告年份 {year}（{year_how}），{len(cands)} 个数字；写出 {len(written)} 条；"
                f"无对应指标 {no_indicator} 个，缺园区或统计期 {unplaced} 个，同一指标另有更大数 {same_key} 个",
                f"{path.name}: report year {year} ({year_how}), {len(cands)} figures; {len(written)} written; "
                f"{no_indicator} with no indicator, {unplaced} without a park or period, {same_key} with a larger "
                "figure for the same key",
            ),
            file=sys.stderr,
        )
        if extraction.report_year is None and unplaced:
            print(
                cli_text(
                    "  用 --year 指定报告年份以确定“今年”“去年以来”等统计期", "  set --year to resolve 今年/去年以来"
                ),
                file=sys.stderr,
            )
    _write(args.out, long_csv_bytes(rows))
    if args.candidates and listed:
        import pandas as pd

        Path(args.candidates).write_bytes(table_csv_bytes(pd.concat(listed, ignore_index=True)))
    return 1 if failed else 0
