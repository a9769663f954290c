"""Command line (CONTRACT §5, extended): python -m metrics ingest|export|summary|report|push|analyst-hash|catalog|
extract."""

from __future__ import annotations

import argparse
import sys

from metrics.accounts import ITERATIONS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m metrics", description="Park indicator dashboard: data tools")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="load spreadsheets (.xlsx/.csv) into the database")
    ingest.add_argument("files", nargs="+", metavar="FILE")
    ingest.add_argument(
        "--db", help="database file or ducklake:postgres:<conninfo> (default: PARKDASH_DB, else data/parks.duckdb)"
    )
    ingest.add_argument("--json", action="store_true", help="one JSON object per file on its own line")
    ingest.add_argument("--skip-bad-rows", action="store_true", help="load the valid rows of a file with row errors")
    ingest.add_argument("--park", metavar="NAME", help="the park or region of figures whose file does not name one")
    ingest.add_argument("--period", metavar="LABEL", help="the period of figures whose file does not give one")
    ingest.add_argument(
        "--indicator", metavar="ID_OR_NAME", help="the indicator of figures whose file does not name one"
    )
    ingest.add_argument(
        "--add-indicators",
        action="store_true",
        help="make a new indicator of each label that matches none in the catalog, and load its figures",
    )
    ingest.add_argument(
        "--skip-bad-cells",
        action="store_true",
        help="load every valid cell of a file with errors: a bad cell costs that cell only, not its row",
    )
    ingest.add_argument("--dry-run", action="store_true", help="check and compare only: store nothing")
    ingest.add_argument("--strict", action="store_true", help="plausibility warnings are errors (file rejected)")

    export = sub.add_parser("export", help="write the current observations as CSV or Excel")
    export.add_argument("--db")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("--out", help="output file (default: standard output for csv)")
    export.add_argument(
        "--lang", choices=("zh", "en"), default="en", help="column headers: en = the contract ids (default), zh = 中文"
    )

    summary = sub.add_parser("summary", help="render the one-page summary image (PNG)")
    summary.add_argument("--db")
    summary.add_argument("--out", default="summary.png", metavar="FILE.png")
    summary.add_argument("--lang", choices=("zh", "en"), default="zh")
    summary.add_argument("--period", metavar="LABEL", help="e.g. 2024, 2024年前三季度, 2024Q3 (default: latest)")
    summary.add_argument("--park", nargs="+", metavar="NAME", help="parks to include (default: all)")

    report = sub.add_parser("report", help="write the A4 report of a view (.docx or PDF)")
    report.add_argument("--db")
    report.add_argument("--format", choices=("docx", "pdf"), help="default: from --out's suffix, else docx")
    report.add_argument("--period", metavar="LABEL", help="e.g. 2024, 2024年前三季度 (default: as the overview)")
    report.add_argument("--park", nargs="+", metavar="NAME", help="parks to include (default: all)")
    report.add_argument("--lang", choices=("zh", "en"), default="zh")
    report.add_argument("--out", required=True, metavar="FILE")

    push = sub.add_parser("push", help="send the briefing and the summary image to a WeCom/DingTalk group robot")
    push.add_argument("--webhook", required=True, metavar="URL", help="the robot's webhook address")
    push.add_argument("--kind", choices=("wecom", "dingtalk"), help="default: from the webhook's host")
    push.add_argument("--dry-run", action="store_true", help="print what would be sent, send nothing")
    push.add_argument("--db")
    push.add_argument("--period", metavar="LABEL", help="default: as the overview")
    push.add_argument("--park", nargs="+", metavar="NAME", help="parks to include (default: all)")
    push.add_argument("--lang", choices=("zh", "en"), default="zh")
    push.add_argument("--no-image", action="store_true", help="send the text only")
    push.add_argument(
        "--image-url", metavar="URL", help="DingTalk: where the summary PNG is published, shown in the text"
    )

    analyst = sub.add_parser(
        "analyst-hash", help="hash an analyst's password: prints the line for the [analysts] accounts table"
    )
    analyst.add_argument("name", metavar="NAME", help="the analyst's display name, e.g. 张三")
    analyst.add_argument("--iterations", type=int, default=ITERATIONS, help=f"PBKDF2 rounds (default: {ITERATIONS})")
    analyst.add_argument(
        "--parks", nargs="+", metavar="PARK", help="limit the account to these parks (catalog names or aliases)"
    )

    catalog = sub.add_parser("catalog", help="export or import the catalog (indicators, parks) as TOML")
    catalog_sub = catalog.add_subparsers(dest="action", required=True)
    cat_export = catalog_sub.add_parser("export", help="write the catalog in effect (shipped + analysts') as TOML")
    cat_export.add_argument("--db")
    cat_export.add_argument("--out", metavar="FILE.toml", help="output file (default: standard output)")
    cat_import = catalog_sub.add_parser("import", help="store what a catalog file adds or changes")
    cat_import.add_argument("file", metavar="FILE.toml")
    cat_import.add_argument("--db")
    extract = sub.add_parser("extract", help="figures from report text (.txt/.docx/.pdf) as a long CSV for ingest")
    extract.add_argument("files", nargs="+", metavar="FILE")
    extract.add_argument("--year", type=int, metavar="YYYY", help="the report's year (今年, 去年以来 read against it)")
    extract.add_argument("--park", metavar="NAME", help="the park of passages that name none")
    extract.add_argument("--out", metavar="figures.csv", help="the long CSV for ingest (default: standard output)")
    extract.add_argument(
        "--candidates", metavar="FILE.csv", help="also write every figure read, with or without an indicator"
    )
    extract.add_argument("--db", help="database whose catalog is used (default: PARKDASH_DB, else data/parks.duckdb)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if args.command == "ingest":
        from metrics.cli_ingest import run
    elif args.command == "export":
        from metrics.cli_export import run
    elif args.command == "report":
        from metrics.cli_report import run
    elif args.command == "push":
        from metrics.cli_push import run
    elif args.command == "analyst-hash":
        from metrics.cli_analyst import run
    elif args.command == "catalog":
        from metrics.cli_catalog import run
    elif args.command == "extract":
        from metrics.cli_extract import run
    else:
        from metrics.summary import run_cli as run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
