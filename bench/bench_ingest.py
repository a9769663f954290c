"""Ingestion benchmark: our reader against pandas+openpyxl, raw calamine and raw DuckDB (`make bench`).

Generates bench/out/wide_<N>.xlsx (park, chain, period + 8 indicator columns) and bench/out/long_<M>.csv,
then times each reader in its own subprocess (so peak memory is that reader's) and prints one table.
BENCH_ROWS sets N (default 200000); the CSV has 10 x N rows. BENCH_REPEAT runs each step that many times.
The official layouts (CONTRACT §2b) have a section of their own: bench/out/across_3000x30.xlsx (a data
portal export: 3,000 regions down, 30 years across, the indicator in a title line) and
bench/out/down_1000x60.xlsx (a report form: 1,000 indicators down with 计量单位 and 代码, 60 months across),
each read_file against the raw calamine read of the same file, cold (the first read in a fresh process, after
a warm-up on small files) and steady (the best of reads 2 to STEADY_READS in one process), PASS/FAIL against 1.5x.
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

PARKS = ["东营经开区", "潍坊滨海区", "威海南海新区", "新园区"]
CHAINS = ["新材料", "高端装备", "化工", "生物医药", "新能源", None]
PERIODS = ["2023年", "2024年前三季度", "2024Q3", "2024年9月"]
INDICATORS = [
    "营业收入(亿元)",
    "营业收入同比增长(%)",
    "规上工业企业数",
    "国家级创新平台",
    "省级创新平台",
    "引进院士团队",
    "走访企业",
    "满意度(%)",
]
LONG_INDICATORS = ["revenue", "enterprises_visited", "satisfaction", "national_platforms", "people_trained"]


def _park(k: int) -> str:
    return PARKS[k] if k < len(PARKS) - 1 else f"园区{k:05d}"


def _cell(ref: str, value, strings: dict[str, int]) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        index = strings.setdefault(value, len(strings))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'
    return f'<c r="{ref}"><v>{value!r}</v></c>'


def write_wide_xlsx(path: Path, n_rows: int) -> None:
    """A plain shared-strings workbook, written directly (openpyxl would take a minute)."""
    rng = random.Random(42)
    header = ["园区", "产业链", "期间", *INDICATORS]
    rows = [header]
    for i in range(2, n_rows + 2):
        k = i - 2  # every row a distinct key: park x chain x period
        values = [_park(k // 24), CHAINS[k % 6], PERIODS[(k // 6) % 4]]
        values += [round(rng.uniform(1, 5000), 2) for _ in INDICATORS]
        if i % 997 == 0:
            values[9] = "110余"
        if i % 1009 == 0:
            values[5] = "—"
        rows.append(values)
    write_xlsx(path, rows)


def _column_letters(j: int) -> str:
    letters, n = "", j + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


ACROSS_ENTITIES, ACROSS_YEARS = 3_000, 30
DOWN_INDICATORS, DOWN_MONTHS = 1_000, 60


def write_across_xlsx(path: Path) -> None:
    """The data portal's shape: title lines, 地区 down, years across (newest first), notes below."""
    rng = random.Random(3)
    years = [f"{2024 - k}年" for k in range(ACROSS_YEARS)]
    rows: list[list] = [["数据库：分省年度数据"], ["指标：地区生产总值(亿元)"], [f"时间：最近{ACROSS_YEARS}年"]]
    rows.append(["地区", *years])
    for e in range(ACROSS_ENTITIES):
        values = [round(rng.uniform(10, 90000), 2) for _ in years]
        if e % 97 == 0:
            values[-1] = None  # early years missing, as the portal leaves them
        rows.append([f"地区{e:05d}", *values])
    rows += [[], ["注：数据为年度核算数。"], ["数据来源：国家统计局"]]
    write_xlsx(path, rows)


def down_labels() -> list[str]:
    return [f"统计指标{k:04d}" for k in range(DOWN_INDICATORS)]


def write_down_xlsx(path: Path) -> None:
    """A report form: title, 填报单位, 指标名称/计量单位/代码 then 60 months across (newest first), the
    column-number row, 其中： sub-items, a signature line below."""
    rng = random.Random(5)
    months = [f"{2024 - k // 12}年{12 - k % 12}月" for k in range(DOWN_MONTHS)]
    rows: list[list] = [["开发区主要经济指标"], ["填报单位：东营经济技术开发区"]]
    rows.append(["指标名称", "计量单位", "代码", *months])
    rows.append(["甲", "乙", "丙", *range(1, DOWN_MONTHS + 1)])
    for k, label in enumerate(down_labels()):
        shown = f"  其中：{label}" if k % 10 else label
        rows.append(
            [shown, "亿元" if k % 3 == 0 else "万元", f"{k:04d}", *(round(rng.uniform(1, 9000), 2) for _ in months)]
        )
    rows += [[], ["单位负责人：王某", None, "填表人：赵某", None, "报出日期：2025年1月15日"]]
    write_xlsx(path, rows)


def write_xlsx(path: Path, rows: list[list], sheet_name: str = "2024年") -> None:
    """Rows (None: an empty cell) as a plain shared-strings workbook, written directly."""
    strings: dict[str, int] = {}
    parts = [
        (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        )
    ]
    letters = [_column_letters(j) for j in range(max(len(r) for r in rows))]
    for i, values in enumerate(rows, start=1):
        parts.append(
            f'<row r="{i}">' + "".join(_cell(f"{letters[j]}{i}", v, strings) for j, v in enumerate(values)) + "</row>"
        )
    parts.append("</sheetData></worksheet>")
    sst = [
        (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">'
        )
    ]
    sst += [f"<si><t>{escape(s)}</t></si>" for s in strings]
    sst.append("</sst>")
    ns = "http://schemas.openxmlformats.org"
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="'
        + ns
        + '/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="'
        + ns
        + '/package/2006/relationships">'
        '<Relationship Id="rId1" Type="'
        + ns
        + '/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="' + ns + '/spreadsheetml/2006/main" '
        'xmlns:r="'
        + ns
        + f'/officeDocument/2006/relationships"><sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="'
        + ns
        + '/package/2006/relationships"><Relationship Id="rId1" Type="'
        + ns
        + '/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="'
        + ns
        + '/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": "".join(parts),
        "xl/sharedStrings.xml": "".join(sst),
    }
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in files.items():
            book.writestr(name, text)
    tmp.replace(path)


def write_long_csv(path: Path, n_rows: int) -> None:
    rng = random.Random(7)
    lines = ["园区,产业链,期间,指标,数值"]
    for i in range(n_rows):
        value = "110余" if i % 997 == 0 else ("—" if i % 1009 == 0 else f"{rng.uniform(1, 5000):.2f}")
        lines.append(
            f"{_park(i // 120)},{CHAINS[(i // 5) % 6] or ''},{PERIODS[(i // 30) % 4]},{LONG_INDICATORS[i % 5]},{value}"
        )
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)


# -- steps, each run in a fresh interpreter ----------------------------------------------------------
def _rss_mb() -> float:
    """Resident memory now (MB): the base a step's peak grows from (imports, the file's bytes)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _bench_catalog(path: str):
    """The catalog a file is read with: the report form's 1,000 indicators are in it (as in a deployment
    whose analysts added them), so that the benchmark reads figures rather than listing unknown labels."""
    if not Path(path).name.startswith("down_"):
        return None
    import dataclasses

    from metrics.catalog import default_catalog
    from metrics.ingest import new_indicator

    catalog = default_catalog()
    added = tuple(new_indicator(label, "万元") for label in down_labels())
    catalog = dataclasses.replace(catalog, indicators=catalog.indicators + added)
    # A deployment's catalog (Store.catalog) is cached with its header index, built on its first lookup:
    # build it here, as the default catalog's is built by the warm-up (2.5 ms for these 1,019 indicators).
    catalog.match_indicator(down_labels()[0])
    return catalog


def _warm_up() -> None:
    """Load the catalog and the readers once, as a running dashboard has: time reading, not imports
    (nor the first call of each code path: a small workbook of each layout is read first)."""
    from metrics.ingest import read_file

    read_file("园区,年份,走访企业\n东营经开区,2024,1\n".encode(), "warm.csv")
    warm = OUT / "warm_official.xlsx"
    if not warm.exists():
        rows = [["指标：地区生产总值(亿元)"], ["地区", "2024年", "2023年"], ["东营市", 1.5, 2], []]
        rows += [
            ["填报单位：东营经开区"],
            ["指标名称", "计量单位", "2024年9月"],
            ["甲", "乙", 1],
            ["营业收入", "亿元", 3],
        ]
        write_xlsx(warm, rows[:4])
        write_xlsx(warm.with_name("warm_form.xlsx"), rows[4:])
    for path in (warm, warm.with_name("warm_form.xlsx")):
        read_file(path.read_bytes(), path.name)


def step_ours(path: str) -> dict:
    from metrics.ingest import read_file

    _warm_up()
    data = Path(path).read_bytes()
    catalog = _bench_catalog(path)
    base = _rss_mb()
    t, cpu = time.perf_counter(), time.process_time()
    parsed = read_file(data, Path(path).name, catalog=catalog)
    return {
        "seconds": time.perf_counter() - t,
        "cpu": time.process_time() - cpu,
        "base_mb": base,
        "figures": len(parsed.frame),
        "errors": len(parsed.report.errors),
    }


STEADY_READS = 10


def _steady(read) -> dict:
    """Best wall and CPU time of reads 2..STEADY_READS of the same file in one process."""
    read()
    walls, cpus = [], []
    for _ in range(STEADY_READS - 1):
        t, cpu = time.perf_counter(), time.process_time()
        read()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - cpu)
    return {"seconds": min(walls), "cpu": min(cpus)}


def step_ours_steady(path: str) -> dict:
    from metrics.ingest import read_file

    _warm_up()
    data = Path(path).read_bytes()
    catalog = _bench_catalog(path)
    base = _rss_mb()
    return {**_steady(lambda: read_file(data, Path(path).name, catalog=catalog)), "base_mb": base}


def step_calamine_steady(path: str) -> dict:
    import python_calamine

    data = Path(path).read_bytes()
    base = _rss_mb()

    def read():
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return book.get_sheet_by_index(0).to_python()

    return {**_steady(read), "base_mb": base}


def step_ours_store(path: str) -> dict:
    import tempfile

    from metrics.ingest import read_file
    from metrics.store import Store

    _warm_up()
    data = Path(path).read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        base = _rss_mb()
        t, cpu = time.perf_counter(), time.process_time()
        parsed = read_file(data, Path(path).name)
        report = Store(Path(tmp) / "bench.duckdb").load(parsed, skip_bad_rows=True)
        return {
            "seconds": time.perf_counter() - t,
            "cpu": time.process_time() - cpu,
            "base_mb": base,
            "figures": report.rows_loaded,
            "status": report.status,
        }


def step_pandas_openpyxl(path: str) -> dict:
    import pandas as pd

    base = _rss_mb()
    t, cpu = time.perf_counter(), time.process_time()
    frame = pd.read_excel(path, engine="openpyxl")
    return {"seconds": time.perf_counter() - t, "cpu": time.process_time() - cpu, "base_mb": base, "rows": len(frame)}


def step_calamine(path: str) -> dict:
    import python_calamine

    data = Path(path).read_bytes()
    base = _rss_mb()
    t, cpu = time.perf_counter(), time.process_time()
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_index(0).to_python()
    return {"seconds": time.perf_counter() - t, "cpu": time.process_time() - cpu, "base_mb": base, "rows": len(rows)}


def step_duckdb_csv(path: str) -> dict:
    import duckdb

    base = _rss_mb()
    t, cpu = time.perf_counter(), time.process_time()
    con = duckdb.connect()
    con.execute("CREATE TABLE raw AS SELECT * FROM read_csv(?)", [path])
    rows = con.execute("SELECT count(*) FROM raw").fetchall()[0][0]
    return {"seconds": time.perf_counter() - t, "cpu": time.process_time() - cpu, "base_mb": base, "rows": rows}


STEPS = {
    "ours": step_ours,
    "ours_store": step_ours_store,
    "pandas_openpyxl": step_pandas_openpyxl,
    "calamine": step_calamine,
    "ours_steady": step_ours_steady,
    "calamine_steady": step_calamine_steady,
    "duckdb_csv": step_duckdb_csv,
}


def run_step(name: str, path: Path, repeat: int) -> dict:
    """Best time of `repeat` fresh interpreters, with the peak resident memory of that run, and the median."""
    best = None
    times = []
    # The generated CSV is larger than the upload limit (50 MB); the benchmark measures reading, not refusing.
    env = {**os.environ, "PARKDASH_MAX_FILE_MB": "2000"}
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--step", name, str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            check=False,
        )
        if out.returncode != 0:
            return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}
        result = json.loads(out.stdout.strip().splitlines()[-1])
        times.append(result["seconds"])
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    best["median"] = sorted(times)[len(times) // 2]
    return best


def main() -> int:
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    n = int(os.environ.get("BENCH_ROWS") or (20_000 if quick else 200_000))
    repeat = int(os.environ.get("BENCH_REPEAT", "1" if quick else "3"))
    OUT.mkdir(parents=True, exist_ok=True)
    # BENCH_OFFICIAL_ONLY=1: only the official layouts' section (a few seconds instead of minutes).
    official_only = os.environ.get("BENCH_OFFICIAL_ONLY", "") not in ("", "0")
    xlsx, csv = OUT / f"wide_{n}.xlsx", OUT / f"long_{10 * n}.csv"
    if not xlsx.exists() and not official_only:
        write_wide_xlsx(xlsx, n)
    if not csv.exists() and not official_only:
        write_long_csv(csv, 10 * n)
    try:
        import metrics.store  # noqa: F401

        has_store = True
    except ImportError:
        has_store = False
    plan = [("xlsx", "ours", xlsx), ("xlsx", "calamine", xlsx), ("xlsx", "pandas_openpyxl", xlsx)]
    if has_store:
        plan.append(("xlsx", "ours_store", xlsx))
    plan += [("csv", "ours", csv), ("csv", "duckdb_csv", csv)]
    if has_store:
        plan.append(("csv", "ours_store", csv))
    if official_only:
        plan = []
    across, down = (
        OUT / f"across_{ACROSS_ENTITIES}x{ACROSS_YEARS}.xlsx",
        OUT / f"down_{DOWN_INDICATORS}x{DOWN_MONTHS}.xlsx",
    )
    if not across.exists():
        write_across_xlsx(across)
    if not down.exists():
        write_down_xlsx(down)
    # The official layouts' files read in well under a second: more fresh processes for a steadier best.
    official_repeat = max(repeat, 5)
    plan += [
        ("across", "ours", across),
        ("across", "calamine", across),
        ("down", "ours", down),
        ("down", "calamine", down),
        ("across", "ours_steady", across),
        ("across", "calamine_steady", across),
        ("down", "ours_steady", down),
        ("down", "calamine_steady", down),
    ]
    results = {}
    print(
        f"rows: {n:,} (xlsx, 8 indicator columns), {10 * n:,} (csv, long); best of {repeat} "
        f"(official layouts: {official_repeat}); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"{'file':<26}{'reader':<36}{'seconds':>9}{'median':>8}{'cpu s':>8}{'peak MB':>9}{'grew MB':>9}  result")
    labels = {
        "ours": "read_file (ours)",
        "ours_store": "read_file + Store.load (ours)",
        "pandas_openpyxl": "pandas.read_excel(openpyxl)",
        "calamine": "python_calamine raw",
        "ours_steady": f"read_file, steady (reads 2-{STEADY_READS})",
        "calamine_steady": f"calamine raw, steady (reads 2-{STEADY_READS})",
        "duckdb_csv": "duckdb read_csv -> table",
    }
    for kind, step, path in plan:
        r = run_step(step, path, official_repeat if kind in ("across", "down") else repeat)
        results[(kind, step)] = r
        if "error" in r:
            print(f"{path.name:<26}{labels[step]:<36}{'-':>9}{'-':>8}{'-':>8}{'-':>9}{'-':>9}  {r['error']}")
            continue
        r["grew_mb"] = r["peak_mb"] - r["base_mb"]
        extra = ", ".join(
            f"{k}={v}" for k, v in r.items() if k not in ("seconds", "median", "cpu", "peak_mb", "base_mb", "grew_mb")
        )
        print(
            f"{path.name:<26}{labels[step]:<36}{r['seconds']:>9.3f}{r['median']:>8.3f}{r['cpu']:>8.3f}{r['peak_mb']:>9.0f}"
            f"{r['grew_mb']:>9.0f}  {extra}"
        )
    print()

    def ratio(a, b, key):
        ra, rb = results.get(a, {}), results.get(b, {})
        return rb[key] / ra[key] if key in ra and key in rb and ra[key] else None

    targets = [
        ("xlsx: pandas+openpyxl / ours", (("xlsx", "ours"), ("xlsx", "pandas_openpyxl")), ">=", 5.0),
        ("xlsx: ours / raw calamine", (("xlsx", "calamine"), ("xlsx", "ours")), "<=", 1.5),
        ("csv: ours / raw duckdb", (("csv", "duckdb_csv"), ("csv", "ours")), "<=", 2.0),
        ("periods across: ours / raw, cold", (("across", "calamine"), ("across", "ours")), "<=", 1.5),
        ("periods across: ours / raw, steady", (("across", "calamine_steady"), ("across", "ours_steady")), "<=", 1.5),
        ("indicators down: ours / raw, cold", (("down", "calamine"), ("down", "ours")), "<=", 1.5),
        ("indicators down: ours / raw, steady", (("down", "calamine_steady"), ("down", "ours_steady")), "<=", 1.5),
    ]
    # Counted end to end (read_file + Store.load into a new database): printed, not a target of its own.
    informational = [
        ("xlsx end to end / raw calamine", (("xlsx", "calamine"), ("xlsx", "ours_store"))),
        ("csv end to end / raw duckdb", (("csv", "duckdb_csv"), ("csv", "ours_store"))),
    ]
    print(f"{'ratio':<36}{'wall':>8}{'cpu':>8}   target")
    ok = True
    for label, (a, b), op, bound in targets:
        if a not in results and b not in results:
            continue  # a section not run (BENCH_OFFICIAL_ONLY)
        shown = []
        for key in ("seconds", "cpu"):
            value = ratio(a, b, key)
            met = value is not None and (value >= bound if op == ">=" else value <= bound)
            shown.append((value, met))
        if not label.endswith("steady"):  # steady reads are shown beside the cold one, not a target of their own
            ok &= shown[0][1]
        cells = "".join(f"{v:>7.2f}x" if v is not None else f"{'n/a':>8}" for v, _ in shown)
        verdict = ", ".join(
            f"{k} {'met' if m else 'NOT met'}" for k, (_, m) in zip(("wall", "cpu"), shown, strict=True)
        )
        print(f"{label:<36}{cells}   {op} {bound:g}x: {'PASS' if shown[0][1] else 'FAIL'} ({verdict})")
    for label, (a, b) in informational:
        if a not in results and b not in results:
            continue
        cells = "".join(
            f"{v:>7.2f}x" if (v := ratio(a, b, key)) is not None else f"{'n/a':>8}" for key in ("seconds", "cpu")
        )
        print(f"{label:<36}{cells}   (no target of its own)")
    grew = ratio(("xlsx", "calamine"), ("xlsx", "ours"), "grew_mb")
    if grew is not None:
        print(
            f"{'xlsx memory: ours / raw calamine':<36}{grew:>7.2f}x   (peak growth over each process's base; no target)"
        )
    print("(cpu = process CPU time, all threads; on a shared machine it is steadier than wall time)")
    print("(peak MB includes each process's imports: pandas, pyarrow and duckdb for ours; grew MB = peak - base)")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--step":
        result = STEPS[sys.argv[2]](sys.argv[3])
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result, ensure_ascii=False))
        sys.exit(0)
    sys.exit(main())
