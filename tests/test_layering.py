"""metrics/ is the core: no module in it may import streamlit (pages depend on metrics, not the reverse)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

METRICS = Path(__file__).resolve().parent.parent / "metrics"


def streamlit_imports(source: str) -> list[int]:
    """Line numbers of every `import streamlit...` or `from streamlit... import ...` in the source."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
            lines.append(node.lineno)
    return lines


def test_metrics_never_imports_streamlit():
    modules = sorted(METRICS.rglob("*.py"))
    assert modules, "metrics/ has no modules"
    offenders = {
        str(p.relative_to(METRICS)): lines
        for p in modules
        if (lines := streamlit_imports(p.read_text(encoding="utf-8")))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "source",
    [
        "import streamlit as st",
        "import os, streamlit",
        "from streamlit import session_state",
        "from streamlit.testing.v1 import AppTest",
        "def f():\n    import streamlit.components.v1 as c",
    ],
)
def test_detector_catches_every_import_form(source):
    assert streamlit_imports(source)


@pytest.mark.parametrize("source", ["import streamlit_extras", "from . import streamlit", "x = 'import streamlit'"])
def test_detector_ignores_lookalikes(source):
    assert not streamlit_imports(source)
