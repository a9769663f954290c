"""What the person loading a file says about it (park, period, indicator) when the file itself is silent."""

from __future__ import annotations

from dataclasses import dataclass

from metrics.catalog import Catalog, Indicator
from metrics.ingest.headers import split_unit
from metrics.periods import Period, parse_period


@dataclass(frozen=True)
class IngestContext:
    """Options of one read (CLI `--park/--period/--indicator/--add-indicators`, the upload preview's fields).

    park, period and indicator are as the user wrote them (a name or alias, a period label, an id or a
    name); they fill in what a file does not say, and a file that says something else is a row error
    naming both. add_indicators: labels that match no catalog indicator become new indicators."""

    park: str | None = None
    period: str | None = None
    indicator: str | None = None
    add_indicators: bool = False

    def resolve(self, catalog: Catalog) -> ResolvedContext:
        """The options as catalog entries; raises ContextError (zh, en) for a value that names nothing."""
        park = None
        if self.park and self.park.strip():
            text = self.park.strip()
            park = catalog.canonical_park(text) or text
        period = None
        if self.period and str(self.period).strip():
            period = parse_period(str(self.period).strip())
            if period is None:
                raise ContextError(
                    f"指定的时期“{self.period}”无法识别（例如 2024、2024年1-9月、2024Q3）",
                    f"the period given ({self.period!r}) is not a period (e.g. 2024, 2024年1-9月, 2024Q3)",
                )
        indicator = None
        if self.indicator and self.indicator.strip():
            indicator = find_indicator(catalog, self.indicator)
            if indicator is None:
                raise ContextError(
                    f"指定的指标“{self.indicator}”不在指标目录中（可写指标编号、中文名或别名）",
                    f"the indicator given ({self.indicator!r}) is not in the catalog (write its id, name or an alias)",
                )
        return ResolvedContext(park=park, period=period, indicator=indicator, add_indicators=self.add_indicators)


@dataclass(frozen=True)
class ResolvedContext:
    park: str | None = None  # canonical when the catalog knows it, else as written
    period: Period | None = None
    indicator: Indicator | None = None
    add_indicators: bool = False


class ContextError(ValueError):
    """An option that names no park, period or indicator; args are (zh, en)."""


def find_indicator(catalog: Catalog, text: str) -> Indicator | None:
    """The indicator an id, name or alias names (a unit bracket allowed: `地区生产总值(亿元)`)."""
    name, _unit = split_unit(text)
    return catalog.match_indicator(name) or catalog.match_indicator(text.strip())
