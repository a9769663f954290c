"""The 目标进度 chart: each park's 完成率 as a bar, its 序时进度 as a marker, coloured by status."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from metrics import charts

STATUS_COLOURS = {"ahead": "#2E8B57", "on_track": "#3B6EA8", "behind": "#C0392B", None: "#A0A8B0"}
_T = {
    "title": ("{name}：完成率与序时进度", "{name}: completion against time progress"),
    "completion": ("完成率（%）", "Completion (%)"),
    "time": ("序时进度", "Time progress"),
    "ahead": ("超序时", "ahead"),
    "on_track": ("达序时", "on track"),
    "behind": ("落后序时", "behind"),
    "no_actual": ("无实际数", "no actual figure"),
}


def _t(key: str, lang: str) -> str:
    zh, en = _T[key]
    return en if lang == "en" else zh


def status_text(status: str | None, lang: str = "zh") -> str:
    """超序时 / 达序时 / 落后序时 (ahead / on track / behind); 无实际数 without an actual figure."""
    return _t(status if status in ("ahead", "on_track", "behind") else "no_actual", lang)


def progress_bars(rows: pd.DataFrame, name: str, lang: str = "zh", subtitle: str = "") -> go.Figure:
    """One indicator's rows of queries.target_progress: 完成率 bars (best first), 序时进度 diamonds."""
    fig = go.Figure()
    title = _t("title", lang).format(name=name)
    rows = rows.sort_values(["rank", "park"], kind="stable")
    parks = [charts.park_label(p, lang) for p in rows["park"]]
    completion = rows["completion_pct"].fillna(0.0)
    fig.add_bar(
        x=list(completion),
        y=parks,
        orientation="h",
        marker_color=[STATUS_COLOURS.get(s, STATUS_COLOURS[None]) for s in rows["status"]],
        text=[
            f"{c:.1f}% · {status_text(s, lang)}" if pd.notna(c) else status_text(None, lang)
            for c, s in zip(rows["completion_pct"], rows["status"], strict=True)
        ],
        textposition="outside",
        cliponaxis=False,
        name=_t("completion", lang),
        hovertemplate="%{y}<br>" + _t("completion", lang) + ": %{x:.1f}<extra></extra>",
    )
    fig.add_scatter(
        x=list(rows["time_pct"]),
        y=parks,
        mode="markers",
        marker={"symbol": "diamond", "size": 13, "color": "#1F2A36"},
        name=_t("time", lang),
        hovertemplate="%{y}<br>" + _t("time", lang) + ": %{x:.1f}%<extra></extra>",
    )
    fig.update_yaxes(autorange="reversed")
    charts.park_axis(fig, rows["park"], lang)
    top = max([100.0, *completion, *rows["time_pct"].fillna(0.0)])
    fig.update_xaxes(title_text=_t("completion", lang), range=[0, top * 1.3])
    return charts.apply_layout(fig, title, subtitle, lang, height=max(360, 140 + 48 * len(rows)))
