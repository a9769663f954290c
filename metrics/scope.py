"""Park scopes of analyst accounts: which parks an account may change figures of, and the refusal naming the others."""

from __future__ import annotations

from collections.abc import Iterable

LISTED = 10  # parks named in a refusal; the rest are counted


def resolve_parks(names: Iterable[str], catalog=None) -> tuple[tuple[str, ...], list[str]]:
    """(canonical park names, the names that are no catalog park or alias) for a scope as written."""
    from metrics.catalog import default_catalog

    cat = catalog or default_catalog()
    illustrative = {p.name for p in cat.illustrative_parks}
    parks, unknown = [], []
    for name in names:
        canonical = cat.canonical_park(name) or (name if name in illustrative else None)
        if canonical is None:
            unknown.append(name)
        elif canonical not in parks:
            parks.append(canonical)
    return tuple(parks), unknown


def parks_outside(parks: Iterable[object], allowed: Iterable[str], catalog=None) -> list[str]:
    """The distinct parks of `parks` (as stored: canonical names, or unknown names as written) not in `allowed`."""
    from metrics.catalog import default_catalog

    cat = catalog or default_catalog()
    scope = set(allowed)
    outside = set()
    for park in parks:
        if park is None or park != park:  # None / NaN: no park, nothing to check
            continue
        name = str(park)
        if (cat.canonical_park(name) or name) not in scope:
            outside.add(name)
    return sorted(outside)


def _names(parks: list[str], lang: str) -> str:
    sep = ", " if lang == "en" else "、"
    shown = sep.join(parks[:LISTED])
    if len(parks) > LISTED:
        more = len(parks) - LISTED
        shown += f" and {more} more" if lang == "en" else f" 等 {len(parks)} 个"
    return shown


def refusal(action: str, outside: list[str], allowed: Iterable[str], what: object = "") -> tuple[str, str]:
    """(zh, en) reason an account limited to `allowed` may not do `action` (load | undo | restore) on `what`."""
    allowed = list(allowed)
    a_zh, a_en, o_zh, o_en = _names(allowed, "zh"), _names(allowed, "en"), _names(outside, "zh"), _names(outside, "en")
    if action == "load":
        return (
            f"此账户只能导入这些园区的数据：{a_zh}。文件中还有其他园区的数据：{o_zh}。未导入任何数据。",
            f"This account may load figures of {a_en} only. The file also holds figures of {o_en}. Nothing was loaded.",
        )
    if action == "undo":
        return (
            f"此账户只能撤销这些园区的导入：{a_zh}。导入 {what} 还涉及其他园区：{o_zh}。未做任何更改。",
            f"This account may undo loads of {a_en} only. Load {what} also touches {o_en}. Nothing was changed.",
        )
    return (
        f"此账户只能恢复这些园区的数值：{a_zh}。历史值 {what} 属于其他园区：{o_zh}。未做任何更改。",
        f"This account may restore values of {a_en} only. History entry {what} belongs to {o_en}. Nothing was changed.",
    )


def audit_detail(allowed: Iterable[str] | None) -> dict:
    """What the audit record adds for a scoped account: {"scope": [parks]}; nothing for an unscoped one."""
    return {} if allowed is None else {"scope": list(allowed)}
