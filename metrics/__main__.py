"""Command line (CONTRACT §5, extended): python -m metrics ingest|export|summary|analyst-hash|catalog."""

from __future__ import annotations

import argparse
import sys

from metrics.accounts import ITERATIONS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m metrics", description="Park indicator dashboard: data tools")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="load spreadsheets (.xlsx/.csv) into the database")
    ingest.add_argument("files", nargs="+", metavar="FILE")
    ingest.add_argument("--db", help="database file (default: PARKDASH_DB, else data/parks.duckdb)")
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

    summary = sub.add_parser("summary", help="render the one-page summary image (PNG)")
    summary.add_argument("--db")
    summary.add_argument("--out", default="summary.png", metavar="FILE.png")
    summary.add_argument("--lang", choices=("zh", "en"), default="zh")
    summary.add_argument("--period", metavar="LABEL", help="e.g. 2024, 2024年前三季度, 2024Q3 (default: latest)")
    summary.add_argument("--park", nargs="+", metavar="NAME", help="parks to include (default: all)")

    analyst = sub.add_parser(
        "analyst-hash", help="hash an analyst's password: prints the line for the [analysts] accounts table"
    )
    analyst.add_argument("name", metavar="NAME", help="the analyst's display name, e.g. 张三")
    analyst.add_argument("--iterations", type=int, default=ITERATIONS, help=f"PBKDF2 rounds (default: {ITERATIONS})")

    catalog = sub.add_parser("catalog", help="export or import the catalog (indicators, parks) as TOML")
    catalog_sub = catalog.add_subparsers(dest="action", required=True)
    cat_export = catalog_sub.add_parser("export", help="write the catalog in effect (shipped + analysts') as TOML")
    cat_export.add_argument("--db")
    cat_export.add_argument("--out", metavar="FILE.toml", help="output file (default: standard output)")
    cat_import = catalog_sub.add_parser("import", help="store what a catalog file adds or changes")
    cat_import.add_argument("file", metavar="FILE.toml")
    cat_import.add_argument("--db")
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
    elif args.command == "analyst-hash":
        from metrics.cli_analyst import run
    elif args.command == "catalog":
        from metrics.cli_catalog import run
    else:
        from metrics.summary import run_cli as run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
