"""An exported CSV read back through the ingest gives exactly the same observations."""

from __future__ import annotations

import pytest
from parsed_factory import Y2024, figure, parsed

from metrics.export import observations_export_frame, table_csv_bytes
from metrics.ingest import read_file
from metrics.ingest.headers import role_of
from metrics.store import Store

EXPORT_HEADERS = ("period_start", "period_end", "qualifier")


@pytest.mark.skipif(
    any(role_of(h) is None for h in EXPORT_HEADERS),
    reason="metrics.ingest does not yet recognise the export headers period_start/period_end/qualifier",
)
def test_exported_csv_reingests_to_the_same_observations(tmp_path):
    first = Store(tmp_path / "a.duckdb")
    q3 = (Y2024[0].replace(month=7), Y2024[0].replace(month=9, day=30))
    first.load(
        parsed(
            "src.csv",
            [
                figure("东营经济技术开发区", "revenue", 12345.678),
                figure("东营经济技术开发区", "revenue", 30, chain="新材料"),
                figure("威海南海新区", "national_platforms", 110, qualifier="at_least", period=q3),
                figure(
                    '=HYPERLINK("x")',
                    "satisfaction",
                    95.5,
                    qualifier="approx",
                    basis="illustrative",
                    reference="报告 第2段",
                ),
            ],
        )
    )
    data = table_csv_bytes(observations_export_frame(first))
    again = read_file(data, "export.csv")
    assert again.report.status == "pending" and not again.report.errors, again.report.errors
    second = Store(tmp_path / "b.duckdb")
    assert second.load(again).status == "loaded"
    columns = ["park", "chain", "period_start", "period_end", "indicator", "value", "qualifier", "basis", "reference"]
    assert observations_export_frame(second)[columns].equals(observations_export_frame(first)[columns])
