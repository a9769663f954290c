"""Industrial chain catalog (metrics/chains.toml, or PARKDASH_CHAINS): English names of chains, validated on load."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from metrics.catalog import CatalogError

HERE = Path(__file__).parent
CHAIN_KEYS = {"name", "name_en"}
CHAIN_OPTIONAL_KEYS = {"aliases"}


@dataclass(frozen=True)
class Chain:
    name: str
    name_en: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChainCatalog:
    chains: tuple[Chain, ...]

    def name(self, chain: object, lang: str = "zh") -> object:
        """A chain as shown in `lang`: its English name in English when the catalog knows it (by name or
        alias), otherwise as stored. Display only: data, filters and URLs keep the stored name."""
        if lang != "en" or not isinstance(chain, str):
            return chain
        return self._english.get(chain.strip(), chain)

    @cached_property
    def _english(self) -> dict[str, str]:
        return {text: c.name_en for c in self.chains for text in (c.name, *c.aliases)}


def _problems(doc: dict, path: Path) -> list[str]:
    problems: list[str] = []
    if unknown := set(doc) - {"chain"}:
        problems.append(f"{path.name}: unknown tables {sorted(unknown)}")
    seen: dict[str, str] = {}
    english: dict[str, str] = {}
    for n, entry in enumerate(doc.get("chain", []), start=1):
        where = f"{path.name}: chain #{n} ({entry.get('name', '?')})"
        if unknown := set(entry) - CHAIN_KEYS - CHAIN_OPTIONAL_KEYS:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        if missing := CHAIN_KEYS - set(entry):
            problems.append(f"{where}: missing keys {sorted(missing)}")
        name, name_en = entry.get("name", ""), entry.get("name_en", "")
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            problems.append(f"{where}: aliases must be a list of non-empty texts")
            aliases = []
        if not all(isinstance(v, str) and v.strip() for v in (name, name_en)):
            problems.append(f"{where}: name and name_en must be non-empty text")
            continue
        for text in (name, *aliases):
            if text in seen:
                problems.append(f"{where}: name or alias {text!r} also used by {seen[text]}")
            seen[text] = name
        if name_en in english:
            problems.append(f"{where}: English name {name_en!r} also used by {english[name_en]}")
        english[name_en] = name
    return problems


def load_chains(path: Path | None = None) -> ChainCatalog:
    """Read and validate a chain catalog; raise CatalogError listing every problem."""
    path = Path(path or HERE / "chains.toml")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError([f"{path.name}: not valid TOML ({exc})"]) from exc
    problems = _problems(doc, path)
    if problems:
        raise CatalogError(problems)
    return ChainCatalog(
        tuple(Chain(e["name"], e["name_en"], tuple(e.get("aliases", []))) for e in doc.get("chain", []))
    )


@lru_cache(maxsize=1)
def default_chains() -> ChainCatalog:
    """The bundled chain catalog, or the file named by PARKDASH_CHAINS."""
    other = os.environ.get("PARKDASH_CHAINS")
    return load_chains(Path(other) if other else None)
