"""Page inputs that are not in the sidebar: indicator pickers, composite weights, summary download."""

from __future__ import annotations

import streamlit as st

from ui import downloads, state
from ui.i18n import t
from ui.widgets import download_failure, lazy_image, png_state


def _candidates(ctx) -> list[str]:
    cat = ctx.filters.category
    return [i.id for i in (ctx.catalog.in_category(cat) if cat else ctx.catalog.indicators)]


def _name(ctx):
    return lambda i: ctx.catalog.indicator(i).name(ctx.lang)


def indicator_picker(ctx, key: str = "ind", options: list[str] | None = None, label: str = "indicator") -> str | None:
    """One indicator (of the chosen family unless `options`); kept in the view state and URL as `ind`."""
    options = list(options) if options is not None else _candidates(ctx)
    state.bind(f"w_{key}", "ind", lambda v: v if v in options else (options[0] if options else None))
    return st.selectbox(
        t(label, ctx.lang),
        options,
        key=f"w_{key}",
        format_func=_name(ctx),
        on_change=state.keep,
        args=(f"w_{key}", "ind"),
    )


def indicators_picker(ctx, key: str = "inds") -> list[str]:
    """Several indicators of the chosen family (default: the family, or one per family); URL `inds`."""
    options = _candidates(ctx)
    # One per family of the design card (the further families are a pick of the family filter away).
    firsts = [ctx.catalog.in_category(c.id)[:1] for c in ctx.catalog.design_card_categories]
    default = options if ctx.filters.category else [inds[0].id for inds in firsts if inds]
    state.bind(f"w_{key}", "inds", lambda v: [i for i in (v or []) if i in options] or default)
    return st.multiselect(
        t("indicators", ctx.lang),
        options,
        key=f"w_{key}",
        format_func=_name(ctx),
        select_all=False,  # its "Select all" option is an English text the app cannot set
        on_change=state.keep,
        args=(f"w_{key}", "inds"),
    )


WEIGHT_COLUMNS = 4  # families side by side in the weights editor


def weights_editor(ctx) -> dict[str, float]:
    """Composite-index weights (catalog defaults), adjustable in an expander; kept in the URL."""
    defaults = {i.id: i.weight for i in ctx.catalog.indicators}
    weights = state.parse_weights(state.get("weights"), defaults)
    shown = _candidates(ctx)
    with st.expander(t("weights", ctx.lang), icon=":material/tune:"):
        st.caption(t("weights_help", ctx.lang))
        families = [c for c in ctx.catalog.categories if any(ctx.catalog.indicator(i).category == c.id for i in shown)]
        per_row = WEIGHT_COLUMNS  # the design card's four side by side; the further families in rows below
        columns = [col for start in range(0, len(families), per_row) for col in st.columns(per_row)]
        for col, cat in zip(columns, families, strict=False):
            col.markdown(f"**{cat.name(ctx.lang)}**")
            for ind in (i for i in shown if ctx.catalog.indicator(i).category == cat.id):
                st.session_state[f"w_weight_{ind}"] = float(weights[ind])
                col.number_input(
                    _name(ctx)(ind),
                    min_value=0.0,
                    max_value=10.0,
                    step=0.5,
                    key=f"w_weight_{ind}",
                    on_change=_keep_weight,
                    args=(ind, defaults),
                )
        if st.button(t("weights_reset", ctx.lang), icon=":material/restart_alt:", key="w_weights_reset"):
            state.put("weights", "")
            st.rerun()
    return {i: weights[i] for i in shown}


def _keep_weight(ind: str, defaults: dict[str, float]) -> None:
    weights = state.parse_weights(state.get("weights"), defaults)
    weights[ind] = float(st.session_state[f"w_weight_{ind}"])
    state.put("weights", state.weights_token(weights, defaults))


def summary_download(ctx, weights: dict[str, float] | None = None) -> None:
    """The one-page summary PNG, rendered only when the button is clicked (~1 s)."""
    download_failure(ctx, "png_summary")
    ok, reason = png_state(ctx)
    if not ok:
        st.caption(t("png_unavailable", ctx.lang, reason=reason))
        return
    store, lang, f = ctx.store, ctx.lang, ctx.filters

    def make() -> bytes:
        from metrics.summary import summary_png

        return summary_png(store, lang, f.period, tuple(f.parks), weights)

    st.download_button(
        t("download_summary", lang),
        data=lazy_image(ctx, "png_summary", make, lang),
        file_name=downloads.file_name(ctx, "summary", "png"),
        mime="image/png",
        on_click="ignore",
        icon=":material/summarize:",
        key="png_summary",
        type="primary",
    )


def template_download(ctx) -> None:
    """The blank template workbook (every indicator as a column, with instructions)."""
    from metrics.template import template_xlsx_bytes

    catalog, lang = ctx.catalog, ctx.lang
    st.download_button(
        t("download_template", lang),
        data=lambda: template_xlsx_bytes(catalog, lang),
        file_name=t("template_file", lang),
        on_click="ignore",
        icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="template_download",
    )
