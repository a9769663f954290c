"""An export (CSV or xlsx) read back through the ingest gives exactly the same observations."""

from __future__ import annotations

import pytest
from parsed_factory import Y2024, figure, parsed

from metrics.export import observations_export_frame, table_csv_bytes, table_xlsx_bytes
from metrics.ingest import read_file
from metrics.store import Store


def source_store(tmp_path) -> Store:
    store = Store(tmp_path / "a.duckdb")
    q3 = (Y2024[0].replace(month=7), Y2024[0].replace(month=9, day=30))
    figures = [
        figure("东营经济技术开发区", "revenue", 12345.678),
        figure("东营经济技术开发区", "revenue", 1 / 3, chain="新材料"),
        figure("威海南海新区", "national_platforms", 110, qualifier="at_least", period=q3),
        figure(
            '=HYPERLINK("x")', "satisfaction", 95.5, qualifier="approx", basis="illustrative", reference="报告 第2段"
        ),
        figure("-2 园区", "people_trained", 1500, chain="+链", reference="@出处"),
    ]
    store.load(parsed("src.csv", figures))
    return store


@pytest.mark.parametrize("file_name, writer", [("export.csv", table_csv_bytes), ("export.xlsx", table_xlsx_bytes)])
def test_export_reingests_to_the_same_observations(tmp_path, file_name, writer):
    first = source_store(tmp_path)
    again = read_file(writer(observations_export_frame(first)), file_name)
    assert again.report.fatal is None and not again.report.errors, again.report.errors
    second = Store(tmp_path / "b.duckdb")
    assert second.load(again).status == "loaded"
    columns = ["park", "chain", "period_start", "period_end", "indicator", "value", "qualifier", "basis", "reference"]
    assert observations_export_frame(second)[columns].equals(observations_export_frame(first)[columns])
