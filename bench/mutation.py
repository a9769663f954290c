"""Mutation testing: apply listed one-line mutations to a copy of the tree, one at a time, and run the tests that should catch each.

Usage: python bench/mutation.py [--list] [--no-baseline] [ID ...]   (`make mutation` runs them all)

Each entry of MUTATIONS names a file, an exact snippet of it (found exactly once: a test keeps the
list from rotting, tests/test_mutation_list.py), the snippet that replaces it, and the test files
(or pytest node ids) that must fail on the mutated code. The tree is copied once to a temporary
directory (without .venv, data/, .git); for each mutation the file is changed there, those tests
run with pytest (-x, stopping at the first failure), and the file is put back. The table says
`caught` when the tests failed and `SURVIVED` when they passed; the exit status is 1 when a
mutation marked `must_catch` survived (or the unmutated tree already fails those tests).

Why a script and not mutmut 3 or cosmic-ray: much of the logic that matters here is SQL
(metrics/sql/q_kpi_cards.sql, q_trend.sql, q_composite_index.sql, the store's statements), which
neither tool mutates; their generic operator swaps make hundreds of mutants per module, each
needing a test run, where this machine has 2 cores shared by several developers and a suite of
several minutes; and the mutations worth having are the ones that reproduce a real mistake
(a total row loaded as a park, a year-on-year change that is not like for like), which a list
states exactly and a reviewer can read. Neither tool is installed in the project's environment.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 900  # a mutation that makes the tests hang counts as caught (and is named so)
COPY_IGNORE = shutil.ignore_patterns(".venv", ".git", "data", "__pycache__", ".pytest_cache", ".ruff_cache", "bench")


@dataclass(frozen=True)
class Mutation:
    """One deliberate mistake: in `file`, `original` (exactly once) becomes `mutated`; `tests` must fail."""

    id: str
    file: str
    original: str
    mutated: str
    tests: tuple[str, ...]
    must_catch: bool = True
    why: str = ""  # for a mutation that may survive: why that is accepted


MUTATIONS: tuple[Mutation, ...] = (
    # -- ingest: total rows ------------------------------------------------------------------
    Mutation(
        "totals-prefixed-word",
        "metrics/ingest/table.py",
        'if word in TOTAL_WORDS or word.endswith(("合计", "总计")):',
        "if word in TOTAL_WORDS:",
        ("tests/test_ingest_layouts.py",),
    ),
    Mutation(
        "totals-chain-column",
        "metrics/ingest/table.py",
        "        if clean(text).casefold() in TOTAL_WORDS:\n            return KEY_TOTAL, None",
        "        if False:\n            return KEY_TOTAL, None",
        ("tests/test_ingest_layouts.py",),
    ),
    Mutation(
        "totals-not-counted",
        "metrics/ingest/table.py",
        "self.ctx.report.report.totals_skipped += int(totals.sum())",
        "self.ctx.report.report.totals_skipped += 0",
        ("tests/test_ingest_layouts.py", "tests/test_ingest_csv.py"),
    ),
    # -- ingest: values ----------------------------------------------------------------------
    Mutation(
        "value-magnitude-ignored",
        "metrics/ingest/values.py",
        '        number *= factor\n    elif not m["pct"]:',
        '        pass\n    elif not m["pct"]:',
        ("tests/test_ingest_values.py",),
    ),
    Mutation(
        "value-header-factor-on-percent",
        "metrics/ingest/values.py",
        '    elif not m["pct"]:\n        number *= header_factor',
        "    else:\n        number *= header_factor",
        ("tests/test_ingest_values.py",),
    ),
    Mutation(
        "value-at-least-lost",
        "metrics/ingest/values.py",
        '    if words & _AT_LEAST:\n        qualifier = "at_least"',
        '    if False:\n        qualifier = "at_least"',
        ("tests/test_ingest_values.py",),
    ),
    Mutation(
        "value-conflicting-qualifiers-accepted",
        "metrics/ingest/values.py",
        '        if qualifier != "exact":\n            return Parsed(error=("数值限定词相互矛盾", "conflicting qualifiers"))',
        '        if False:\n            return Parsed(error=("数值限定词相互矛盾", "conflicting qualifiers"))',
        ("tests/test_ingest_values.py",),
    ),
    Mutation(
        "value-yuan-magnitude-on-count",
        "metrics/ingest/values.py",
        'if unit == "%" or magnitude.endswith("元"):',
        'if unit == "%":',
        ("tests/test_ingest_values.py",),
    ),
    Mutation(
        "value-percent-cell-not-scaled",
        "metrics/ingest/values.py",
        "values *= np.where(percent_rows, 100.0, header_factor)",
        "values *= header_factor",
        ("tests/test_ingest_values.py", "tests/test_ingest_layouts.py"),
    ),
    Mutation(
        "value-dash-not-missing",
        "metrics/ingest/values.py",
        '        "—",\n        "–",\n',
        '        "–",\n',
        ("tests/test_ingest_values.py",),
    ),
    # -- KPI cards: changes ------------------------------------------------------------------
    Mutation(
        "kpi-yoy-not-like-for-like",
        "metrics/sql/q_kpi_cards.sql",
        "CASE WHEN additive THEN sum(yoy) FILTER (WHERE cur IS NOT NULL)",
        "CASE WHEN additive THEN sum(yoy)",
        ("tests/test_queries.py",),
    ),
    Mutation(
        "kpi-current-not-like-for-like",
        "metrics/sql/q_kpi_cards.sql",
        "CASE WHEN additive THEN sum(cur) FILTER (WHERE yoy IS NOT NULL)",
        "CASE WHEN additive THEN sum(cur)",
        ("tests/test_queries.py",),
    ),
    Mutation(
        "kpi-mean-yoy-not-like-for-like",
        "metrics/sql/q_kpi_cards.sql",
        "ELSE avg(yoy) FILTER (WHERE cur IS NOT NULL) END AS yoy_value",
        "ELSE avg(yoy) END AS yoy_value",
        ("tests/test_queries.py",),
    ),
    Mutation(
        "kpi-pct-when-previous-is-zero",
        "metrics/queries.py",
        'rate = df["unit"].isin(NON_ADDITIVE_UNITS) | (df["prev_value"] == 0)',
        'rate = df["unit"].isin(NON_ADDITIVE_UNITS)',
        ("tests/test_queries.py",),
    ),
    Mutation(
        "kpi-pct-sign-flipped-on-negative-previous",
        "metrics/queries.py",
        'df["change_pct"] = (100.0 * df["change"] / df["prev_value"].abs()).where(~rate)',
        'df["change_pct"] = (100.0 * df["change"] / df["prev_value"]).where(~rate)',
        ("tests/test_queries.py",),
    ),
    Mutation(
        "kpi-pct-for-rates",
        "metrics/queries.py",
        'rate = df["unit"].isin(NON_ADDITIVE_UNITS) | (df["prev_value"] == 0)',
        'rate = df["prev_value"] == 0',
        ("tests/test_queries.py",),
    ),
    Mutation(
        "kpi-card-image-against-all-of-last-year",
        "metrics/charts.py",
        "        return value / (1.0 + float(pct) / 100.0), True",
        "        return prev, True",
        ("tests/test_charts.py",),
    ),
    Mutation(
        "kpi-card-image-percent-of-zero",
        "metrics/charts.py",
        "    if _known(pct) and value != 0 and float(pct) != -100.0:",
        "    if value != 0:",
        ("tests/test_charts.py",),
    ),
    Mutation(
        "trend-growth-when-previous-is-zero",
        "metrics/sql/q_trend.sql",
        "CASE WHEN cur.additive AND prev.value <> 0",
        "CASE WHEN cur.additive",
        ("tests/test_queries.py",),
    ),
    Mutation(
        "trend-growth-sign-flipped-on-negative-previous",
        "metrics/sql/q_trend.sql",
        "THEN 100.0 * (cur.value - prev.value) / abs(prev.value) END AS growth_pct",
        "THEN 100.0 * (cur.value - prev.value) / prev.value END AS growth_pct",
        ("tests/test_queries.py",),
    ),
    # -- composite index and scores ----------------------------------------------------------
    Mutation(
        "composite-unweighted-mean",
        "metrics/sql/q_composite_index.sql",
        "SELECT park, sum(weight * score) / sum(weight) AS raw_index, count(*) AS n_indicators,",
        "SELECT park, avg(score) AS raw_index, count(*) AS n_indicators,",
        ("tests/test_composite_index.py",),
    ),
    Mutation(
        "composite-zero-weight-kept",
        "metrics/sql/q_composite_index.sql",
        "    SELECT * FROM scores WHERE weight > 0\n",
        "    SELECT * FROM scores WHERE weight >= 0\n",
        ("tests/test_composite_index.py",),
    ),
    Mutation(
        "composite-ties-not-shared",
        "metrics/sql/q_composite_index.sql",
        "rank() OVER (PARTITION BY scored ORDER BY round(raw_index, 9) DESC)",
        "row_number() OVER (PARTITION BY scored ORDER BY round(raw_index, 9) DESC, park)",
        ("tests/test_queries.py",),
    ),
    Mutation(
        "scores-direction-ignored",
        "metrics/sql/score_rows.sql",
        "WHEN v.lower_better THEN 60.0 + 40.0 * (s.hi - v.value) / (s.hi - s.lo)",
        "WHEN false THEN 60.0 + 40.0 * (s.hi - v.value) / (s.hi - s.lo)",
        ("tests/test_composite_index.py",),
    ),
    Mutation(
        "scores-no-spread-not-neutral",
        "metrics/sql/score_rows.sql",
        "WHEN s.hi = s.lo THEN 80.0",
        "WHEN s.hi = s.lo THEN 100.0",
        ("tests/test_composite_index.py",),
    ),
    # -- export escaping ---------------------------------------------------------------------
    Mutation(
        "export-csv-header-not-defused",
        "metrics/export.py",
        "safe.columns = [defuse(str(c)) for c in safe.columns]",
        "safe.columns = [str(c) for c in safe.columns]",
        ("tests/test_export.py",),
    ),
    Mutation(
        "export-csv-cells-not-defused",
        "metrics/export.py",
        "safe.isetitem(n, col.map(lambda v: defuse(v) if isinstance(v, str) else v))",
        "pass",
        ("tests/test_export.py",),
    ),
    Mutation(
        "export-defuse-misses-tab",
        "metrics/export.py",
        'FORMULA_STARTS = ("=", "+", "-", "@", "\\t", "\\r")',
        'FORMULA_STARTS = ("=", "+", "-", "@")',
        ("tests/test_export.py",),
    ),
    Mutation(
        "export-xlsx-header-as-formula",
        "metrics/export.py",
        "f'<c r=\"{letter}1\"' + _text_xml(text, _STYLE_HEADER)",
        "f'<c r=\"{letter}1\"' + (f'><f>{_xml_text(text[1:])}</f></c>' if text.startswith('=') "
        "else _text_xml(text, _STYLE_HEADER))",
        ("tests/test_export.py",),
    ),
    Mutation(
        "export-xml-text-not-escaped",
        "metrics/export.py",
        'text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")',
        "text = text",
        ("tests/test_export.py",),
    ),
    # -- store: undo and restore (the rule in docs/ARCHITECTURE.md, "Which value is current") --------
    Mutation(
        "store-undo-brings-back-a-value-of-an-undone-load",
        "metrics/sql/store_edit.sql",
        "WHERE NOT EXISTS (SELECT 1 FROM loads AS l WHERE l.load_id = h.load_id AND l.status = 'undone')",
        "WHERE true",
        ("tests/test_store.py",),  # deterministic; tests/test_store_model.py catches it too, at random
    ),
    Mutation(
        "store-undo-brings-back-the-oldest-value",
        "metrics/sql/store_edit.sql",
        "    ORDER BY h.load_id DESC NULLS LAST, h.history_id DESC) = 1;",
        "    ORDER BY h.load_id ASC NULLS FIRST, h.history_id ASC) = 1;",
        ("tests/test_store.py",),  # deterministic; tests/test_store_model.py catches it too, at random
    ),
    Mutation(
        "store-restore-stated-by-the-original-load",
        "metrics/sql/store_edit.sql",
        "       $load_id\nFROM observation_history WHERE history_id = $history_id;",
        "       load_id\nFROM observation_history WHERE history_id = $history_id;",
        ("tests/test_store.py",),  # deterministic; tests/test_store_model.py catches it too, at random
    ),
    # -- guards (what the tests count instead of timing) --------------------------------------
    Mutation(
        "guards-members-counted-after-parsing",
        "metrics/guards.py",
        "    count = _central_directory_entries(data)\n    if count > MAX_ZIP_MEMBERS:\n        return [], _too_many_members(count)\n    try:",
        "    try:",
        ("tests/test_guards.py",),
    ),
    Mutation(
        "guards-ratio-not-checked",
        "metrics/guards.py",
        "        if ratio > lim.max_zip_ratio:",
        "        if False:",
        ("tests/test_guards.py",),
    ),
    # -- chart escaping ----------------------------------------------------------------------
    Mutation(
        "charts-radar-hover-not-escaped",
        "metrics/charts.py",
        'hovertemplate=park_label(park, lang) + "<br>%{theta}: %{r:.1f}%{customdata}<extra></extra>",',
        'hovertemplate=str(display_park(park, lang)) + "<br>%{theta}: %{r:.1f}%{customdata}<extra></extra>",',
        ("tests/test_charts.py",),
    ),
    Mutation(
        "charts-radar-name-not-escaped",
        "metrics/charts.py",
        '            name=legend_name(park, lang),\n            mode="lines+markers",\n            # A light fill',
        '            name=str(display_park(park, lang)),\n            mode="lines+markers",\n            # A light fill',
        ("tests/test_charts.py",),
    ),
    Mutation(
        "charts-trend-hover-not-escaped",
        "metrics/charts.py",
        "            hovertemplate=park_label(park, lang)\n",
        "            hovertemplate=str(display_park(park, lang))\n",
        ("tests/test_charts.py",),
    ),
    Mutation(
        "charts-esc-misses-ampersand",
        "metrics/charts.py",
        'return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")',
        'return str(text).replace("<", "&lt;").replace(">", "&gt;")',
        ("tests/test_charts.py",),
    ),
    Mutation(
        "charts-kpi-title-not-escaped",
        "metrics/charts.py",
        '"text": f"{esc(name)}<br><span style=\'font-size:12px;color:#5F6B76\'>{esc(sub)}</span>",',
        '"text": f"{name}<br><span style=\'font-size:12px;color:#5F6B76\'>{esc(sub)}</span>",',
        ("tests/test_charts.py",),
    ),
)


def copy_tree(target: Path) -> Path:
    """The project (code, tests, fixtures, catalogs, sample data) copied into `target`."""
    tree = target / "tree"
    shutil.copytree(ROOT, tree, ignore=COPY_IGNORE, symlinks=False)
    return tree


def run_tests(tree: Path, tests: tuple[str, ...]) -> tuple[int, str]:
    """pytest on `tests` inside `tree`: (exit code, last lines of output); -1 on a timeout."""
    env = dict(os.environ)
    env.pop("PARKDASH_DB", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONPATH"] = str(tree)
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests]
    try:
        done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return -1, "timeout"
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return done.returncode, lines[-1] if lines else ""


def apply(tree: Path, mutation: Mutation) -> str:
    """Write the mutated file into `tree`; return the original text to put back."""
    path = tree / mutation.file
    text = path.read_text(encoding="utf-8")
    if text.count(mutation.original) != 1:
        raise SystemExit(f"{mutation.id}: the original snippet is not in {mutation.file} exactly once")
    path.write_text(text.replace(mutation.original, mutation.mutated), encoding="utf-8")
    return text


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="run only these mutations (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--no-baseline", action="store_true", help="skip running the tests on the unmutated copy")
    args = parser.parse_args(argv)
    known = {m.id: m for m in MUTATIONS}
    unknown = [i for i in args.ids if i not in known]
    if unknown:
        parser.error(f"unknown mutation ids: {', '.join(unknown)}")
    chosen = [known[i] for i in args.ids] if args.ids else list(MUTATIONS)
    if args.list:
        for m in chosen:
            print(f"{m.id:48} {m.file:36} {' '.join(m.tests)}")
        return 0

    with tempfile.TemporaryDirectory(prefix="parkdash-mutation-") as tmp:
        tree = copy_tree(Path(tmp))
        if not args.no_baseline:
            files = tuple(dict.fromkeys(t for m in chosen for t in m.tests))
            print(f"baseline: {' '.join(files)}", flush=True)
            code, tail = run_tests(tree, files)
            if code != 0:
                print(f"the unmutated tree fails these tests ({tail}); fix that first")
                return 1
        rows: list[tuple[Mutation, str, float, str]] = []
        for m in chosen:
            started = time.monotonic()
            original = apply(tree, m)
            try:
                code, tail = run_tests(tree, m.tests)
            finally:
                (tree / m.file).write_text(original, encoding="utf-8")
            outcome = "caught" if code != 0 else "SURVIVED"
            if code == -1:
                outcome = "caught (timeout)"
            elif code not in (0, 1):
                outcome = f"caught (pytest exit {code})"  # collection or import error: the mutation broke the module
            rows.append((m, outcome, time.monotonic() - started, tail))
            print(f"{m.id:48} {outcome:24} {rows[-1][2]:6.1f} s", flush=True)

    print("\n| mutation | file | outcome | tests |\n|---|---|---|---|")
    for m, outcome, _, _ in rows:
        note = "" if m.must_catch or outcome != "SURVIVED" else f" (accepted: {m.why})"
        print(f"| {m.id} | {m.file} | {outcome}{note} | {', '.join(m.tests)} |")
    caught = sum(outcome != "SURVIVED" for _, outcome, _, _ in rows)
    print(f"\ncaught {caught} of {len(rows)}")
    failed = [m.id for m, outcome, _, _ in rows if outcome == "SURVIVED" and m.must_catch]
    if failed:
        print(f"must-catch mutations that survived: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
