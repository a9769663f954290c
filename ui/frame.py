"""The frame every page draws first: page config, sample data on first start, the shared sidebar."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import streamlit as st

from metrics import charts, queries
from metrics.catalog import Catalog
from metrics.charts import display_chain, display_park
from metrics.dbfile import StoreError
from metrics.periods import Period
from metrics.queries import Filters
from metrics.store import Store
from ui import cache, state
from ui.auth import warm_gate
from ui.i18n import literal, t

# The browser tab's icon, served by the app itself: a `:material/...` page icon makes the browser fetch
# an SVG from an Internet font service, which an intranet cannot reach (the link icons below use the
# Material Symbols font that Streamlit serves itself).
FAVICON = Path(__file__).with_name("static") / "favicon.svg"
# (page id, script path, material icon); the order of the sidebar links.
PAGES = (
    ("overview", "dashboard.py", ":material/dashboard:"),
    ("parks", "pages/parks.py", ":material/compare_arrows:"),
    ("chains", "pages/chains.py", ":material/account_tree:"),
    ("trends", "pages/trends.py", ":material/trending_up:"),
    ("targets", "pages/targets.py", ":material/flag:"),
    ("upload", "pages/upload.py", ":material/upload_file:"),
    ("data", "pages/data.py", ":material/manage_history:"),
    ("catalog", "pages/catalog.py", ":material/list_alt:"),
)


@dataclass
class Context:
    """What a page needs: language, filters, the store and cached access to the queries."""

    page: str
    lang: str
    store: Store
    version: object
    catalog: Catalog
    filters: Filters
    periods: list[Period] = field(default_factory=list)

    def q(self, name: str, *args, filters: Filters | None = None, **kwargs):
        """`metrics.queries.<name>(store, filters, *args)`, cached on the data version."""
        return cache.query(name, self.store, self.version, filters or self.filters, *args, **kwargs)

    def later(self, name: str, *args, filters: Filters | None = None, **kwargs):
        """A callable running `metrics.queries.<name>(store, filters, *args)` when called (e.g. the full
        table behind a download, built only when clicked; uncached)."""
        from metrics import queries

        store, f = self.store, filters or self.filters
        return lambda: getattr(queries, name)(store, f, *args, **kwargs)

    def chart(self, name: str, *args, **kwargs):
        """`metrics.charts.<name>(*args, **kwargs)`, built once for every viewer of the same figures and data
        version (the figure is shared: read-only)."""
        return cache.figure(name, self.version, *args, **kwargs)

    def look(self, name: str, *args):
        """A filter-free query (`data_status`, `available_parks`...), cached on the data version."""
        return cache.lookup(name, self.store, self.version, *args)

    def with_filters(self, **changes) -> Filters:
        return replace(self.filters, **changes)

    def t(self, key: str, **fields) -> str:
        return t(key, self.lang, **fields)


def begin(page: str) -> Context:
    """Set up the page and draw the sidebar; every page calls this first."""
    view = state.load()
    lang = view["lang"]
    st.set_page_config(
        layout="wide", page_title=f"{t('page_' + page, lang)} · {t('app_title', lang)}", page_icon=str(FAVICON)
    )
    try:
        store = cache.store()
    except StoreError as exc:  # a damaged or too new file, PostgreSQL out of reach: say so, store nothing
        st.error(t("store_unavailable", lang, reason=literal(exc.message(lang))))
        st.stop()
    warm_gate()  # the first page run makes the analyst token (printed once when no password is set)
    _first_start(store, lang)
    version = store.data_version()
    catalog = store.catalog  # the shipped catalog merged with the analysts' entries (changes move `version`)
    charts.set_catalog(catalog)  # figures name analysts' indicators and parks too (this session's thread)
    ctx = Context(page=page, lang=lang, store=store, version=version, catalog=catalog, filters=Filters())
    with st.sidebar:
        _sidebar(ctx)
    state.write_url()
    return ctx


def _first_start(store: Store, lang: str) -> None:
    """Load the bundled sample data into a database that never held a load (not one emptied by undo)."""
    if st.session_state.get("_pd_sample_checked"):
        return
    st.session_state["_pd_sample_checked"] = True
    from metrics.sample import ensure_sample_data

    if store.loads().empty:
        with st.spinner(t("loading_sample", lang)):
            ensure_sample_data(store)
        cache.clear()


def _sidebar(ctx: Context) -> None:
    lang = ctx.lang
    st.markdown(f"**{t('app_title', lang)}**")
    state.bind("w_lang", "lang")
    st.segmented_control(
        t("language", lang),
        ["zh", "en"],
        key="w_lang",
        format_func={"zh": "中文", "en": "English"}.get,
        on_change=_keep_lang,
        label_visibility="collapsed",
    )
    nav = st.container()
    st.divider()
    ctx.periods, default = _periods(ctx)
    tokens = [state.period_token(p) for p in ctx.periods]
    state.bind("w_period", "period", lambda v: v if v in tokens else None)
    if st.session_state["w_period"] is None and tokens:
        st.session_state["w_period"] = state.period_token(default)
    period_names = {state.period_token(p): p.label(lang) for p in ctx.periods}
    chosen = st.selectbox(
        t("period", lang),
        tokens,
        key="w_period",
        format_func=period_names.get,
        on_change=state.keep,
        args=("w_period", "period"),
    )
    regions = set(ctx.catalog.region_names)  # offered after the parks, and only when picked in view
    parks = sorted(ctx.look("available_parks"), key=lambda p: p in regions)
    state.bind("w_parks", "parks", lambda v: [p for p in (v or []) if p in parks])
    picked = st.multiselect(
        t("parks", lang),
        parks,
        key="w_parks",
        # The value (and the URL) keeps the canonical name.
        format_func=lambda p: (
            t("region_option", lang, name=display_park(p, lang)) if p in regions else display_park(p, lang)
        ),
        placeholder=t("all_parks", lang),
        help=t("parks_help", lang),
        select_all=False,  # its "Select all" option is an English text the app cannot set; none = all
        on_change=state.keep,
        args=("w_parks", "parks"),
    )
    chains = list(ctx.look("available_chains", tuple(picked)))
    state.bind("w_chains", "chains", lambda v: [c for c in (v or []) if c in chains])
    chosen_chains = st.multiselect(
        t("chains", lang),
        chains,
        key="w_chains",
        format_func=lambda c: display_chain(c, lang),  # the value (and the URL) keeps the stored name
        placeholder=t("whole_park", lang),
        help=t("chains_help", lang),
        select_all=False,  # its "Select all" option is an English text the app cannot set
        on_change=state.keep,
        args=("w_chains", "chains"),
    )
    # "all" rather than None: a selectbox shows its placeholder, not the option, for None.
    families = ["all"] + [c.id for c in ctx.catalog.categories]
    state.bind("w_family", "family", lambda v: v if v in families else "all")
    names = {c.id: c.name(lang) for c in ctx.catalog.categories} | {"all": t("all_families", lang)}
    family = st.selectbox(
        t("family", lang),
        families,
        key="w_family",
        format_func=names.get,
        on_change=state.keep,
        args=("w_family", "family"),
    )
    state.bind("w_illus", "illus", bool)
    illus = st.toggle(
        t("include_illustrative", lang),
        key="w_illus",
        help=t("illustrative_help", lang),
        on_change=state.keep,
        args=("w_illus", "illus"),
    )
    if chosen:
        # The period in view goes into the URL even when it is the default (the latest): a copied link then
        # opens this period next year too, not whatever is latest by then.
        state.put("period", chosen)
    st.caption(t("share_hint", lang))
    ctx.filters = Filters(
        period=state.parse_token(chosen),
        parks=tuple(picked),
        chains=tuple(chosen_chains),
        category=None if family == "all" else family,
        include_illustrative=illus,
    )
    with nav:
        for page, path, icon in PAGES:
            st.page_link(path, label=t("page_" + page, lang), icon=icon, query_params=state.encoded())


def _keep_lang() -> None:
    # segmented_control returns None when the selected option is clicked again: keep the language.
    if st.session_state["w_lang"] in ("zh", "en"):
        state.put("lang", st.session_state["w_lang"])


def _periods(ctx: Context) -> tuple[list[Period], Period | None]:
    """Periods with data, newest first, and the one a view opens on (queries.default_period): with a
    family chosen, the family's own (party-building figures are in other years than the design card's)."""
    coverage = cache.period_coverage(ctx.store, ctx.version)
    family = state.get("family")
    if family in {c.id for c in ctx.catalog.categories}:
        own = cache.period_coverage(ctx.store, ctx.version, tuple(i.id for i in ctx.catalog.in_category(family)))
        if own:
            return [p for p, _ in coverage], queries.default_period(own)
    return [p for p, _ in coverage], queries.default_period(coverage)
