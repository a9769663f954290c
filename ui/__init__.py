"""Streamlit-only layer: the shared sidebar and view state, caching, translations, shared rendering.

Names are resolved lazily so that importing one submodule (e.g. ui.auth) does not import them all.
"""

from importlib import import_module

_EXPORTS = {
    "Context": "ui.frame",
    "begin": "ui.frame",
    "t": "ui.i18n",
    "indicator_picker": "ui.inputs",
    "indicators_picker": "ui.inputs",
    "summary_download": "ui.inputs",
    "weights_editor": "ui.inputs",
    "template_download": "ui.inputs",
    "briefing_box": "ui.briefing_view",
    "report_downloads": "ui.briefing_view",
    "target_cards": "ui.targets_view",
    "target_summary": "ui.targets_view",
    "target_table": "ui.targets_view",
    "chart_with_downloads": "ui.widgets",
    "data_badges": "ui.widgets",
    "heatmap_width": "ui.widgets",
    "kpi_grid": "ui.widgets",
    "localise": "ui.widgets",
    "subtitle": "ui.widgets",
    "table_with_downloads": "ui.widgets",
    "stop_if_empty": "ui.widgets",
    "top_parks": "ui.widgets",
    "only_parks": "ui.widgets",
    "composite_notes": "ui.composite",
    "composite_table": "ui.composite",
    "radar_yardstick": "ui.composite",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'ui' has no attribute {name!r}")
