"""The mutation list of bench/mutation.py stays true to the code: each snippet is still there, exactly once."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from conftest import ROOT


def mutation_module():
    spec = importlib.util.spec_from_file_location("bench_mutation", ROOT / "bench" / "mutation.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


MUTATIONS = mutation_module().MUTATIONS


def test_ids_are_unique_and_each_accepted_survivor_says_why():
    ids = [m.id for m in MUTATIONS]
    assert len(ids) == len(set(ids))
    assert all(m.must_catch or m.why for m in MUTATIONS)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.id)
def test_original_snippet_is_in_the_code_exactly_once_and_the_tests_exist(mutation):
    text = (ROOT / mutation.file).read_text(encoding="utf-8")
    assert text.count(mutation.original) == 1, f"{mutation.id}: the list has rotted; update bench/mutation.py"
    assert mutation.mutated != mutation.original
    for test in mutation.tests:
        assert (ROOT / test.split("::")[0]).is_file(), test


def test_the_item_3_mutations_of_issue_15_are_listed():
    listed = {m.id for m in MUTATIONS if m.must_catch}
    assert {
        "totals-prefixed-word",
        "kpi-yoy-not-like-for-like",
        "kpi-pct-when-previous-is-zero",
        "kpi-pct-sign-flipped-on-negative-previous",
        "export-csv-header-not-defused",
        "export-xlsx-header-as-formula",
        "charts-radar-hover-not-escaped",
    } <= listed
