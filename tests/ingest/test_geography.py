"""ONS geography lookups: an LSOA lookup may carry each LSOA's area, in the units ONS
publishes it in."""

import pandas as pd
import pytest

from ingest.parsers import geography

LOOKUP = {"LSOA11CD": ["E01000001", "E01000002", "E01000003", "E01000004"],
          "LSOA11NM": ["A 001A", "A 001B", "A 001C", "A 001D"],
          "WD19CD": ["E05000001"] * 4, "WD19NM": ["Ward"] * 4,
          "LAD19CD": ["E09000001"] * 4, "LAD19NM": ["A"] * 4}  # fmt: skip


@pytest.mark.parametrize(("heading", "values"), [
    ("Shape__Area", ["250000", "1,500,000.5", "", "0"]),  # square metres (boundary files)
    ("AREAEHECT", ["25", "150.00005", "n/a", "-1"]),  # hectares (Standard Area Measurements)
    ("area_km2", ["0.25", "1.5000005", " ", "0"]),
])  # fmt: skip
def test_an_lsoa_lookup_gives_areas_in_square_kilometres(heading, values):
    parsed = geography.parse(pd.DataFrame({**LOOKUP, heading: values}))
    assert parsed.kind == "lsoa"
    area = parsed.frame["area_km2"]
    assert area.iloc[:2].round(6).tolist() == [0.25, 1.5]
    assert area.iloc[2:].isna().all()  # blank, unreadable or not positive: left empty


def test_without_an_area_column_the_lookup_has_no_areas():
    parsed = geography.parse(pd.DataFrame(LOOKUP))
    assert "area_km2" not in parsed.frame.columns
