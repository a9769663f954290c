"""`python -m metrics catalog export|import`: move a deployment's catalog (shipped + analysts' entries) as TOML."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from metrics.catalog import CatalogError, Origin, catalog_from_docs
from metrics.catalog_entries import catalog_toml
from metrics.cli_ingest import cli_actor, cli_lang, cli_text, open_store
from metrics.dbfile import StoreError

EXPORT_HEADER = (
    "Catalog of the park indicator dashboard: units, families, indicators, parks and regions.\n"
    "The shipped defaults with the analysts' additions; load it elsewhere with\n"
    "python -m metrics catalog import FILE.toml"
)


def _say(zh: str, en: str) -> None:
    print(cli_text(zh, en), file=sys.stderr)


def _problems(exc: CatalogError) -> None:
    for problem in exc.messages(cli_lang()):
        print(f"  - {problem}", file=sys.stderr)


def run(args) -> int:
    """0 on success; 1 when the file or database cannot be used (every problem named); 2 on a usage error."""
    store = open_store(args.db)
    if store is None:
        return 2
    if args.action == "export":
        return _export(store, args.out)
    return _import(store, Path(args.file))


def _export(store, out: str | None) -> int:
    text = catalog_toml(store.catalog, EXPORT_HEADER)
    if not out:
        sys.stdout.write(text)
        return 0
    path = Path(out)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)
    n_ind, n_park = len(store.catalog.indicators), len(store.catalog.parks)
    _say(
        f"已导出 {n_ind} 个指标、{n_park} 个园区/地区到 {path}",
        f"exported {n_ind} indicators, {n_park} parks/regions to {path}",
    )
    return 0


def _import(store, path: Path) -> int:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        _say(f"无法读取文件：{path}（{exc}）", f"cannot read the file: {path} ({exc})")
        return 1
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        _say(f"不是有效的 TOML 文件：{path}（{exc}）", f"not a valid TOML file: {path} ({exc})")
        return 1
    try:
        other = catalog_from_docs(doc, doc, Origin.file(path), Origin.file(path))
        counts = store.import_catalog(other, actor=cli_actor())
    except CatalogError as exc:
        _say(f"目录有问题，未导入任何内容：{path}", f"the catalog has problems, nothing was imported: {path}")
        _problems(exc)
        return 1
    except StoreError as exc:
        _say(exc.message_zh, exc.message_en)
        return 1
    _say(
        f"已导入：{counts['indicators']} 个指标、{counts['parks']} 个园区/地区有新增或修改",
        f"imported: {counts['indicators']} indicators and {counts['parks']} parks/regions added or changed",
    )
    return 0
