"""A police occurrence extract loads chunk by chunk (ingest/streaming.py) to the same result
as in one piece: rows, counts, report and row errors; and is refused, storing nothing, for
what only a later chunk shows (personal data, too many errors)."""

from datetime import date, timedelta

import pandas as pd
import pytest

from ingest import processing, services, streaming, synthetic
from ingest.models import Extract, LsoaArea, PoliceOccurrence, RowError

BCP, BRISTOL = "E06000058", "E06000023"
SMALL = 60  # rows per chunk in the streamed runs: the files below take several
STORED = [f.name for f in PoliceOccurrence._meta.concrete_fields
          if f.name not in {"id", "extract"}]


@pytest.fixture
def force(world, django_capture_on_commit_callbacks):
    """The home partnership's police force, an agreement in force, and a geography of its
    area and a neighbour's (records placed there are outside the force's area)."""
    police = world.home.seats.get(organisation__sector="police").organisation
    assert BCP in police.local_authority_codes and BRISTOL not in police.local_authority_codes
    geo = synthetic.geography({BCP: "Bournemouth, Christchurch and Poole", BRISTOL: "Bristol"},
                              12, seed=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.extract_receive(partnership=world.home, organisation=None,
                                 source_key="geography", filename="geo.csv",
                                 chunks=[geo.to_csv(index=False).encode()], uploaded_by=None)
    services.agreement_add(reference="ISA-1", organisation=police, partnerships=[world.home],
                           source_keys=["police_occurrences"], lawful_basis="s17a",
                           starts_on=date.today() - timedelta(days=30),
                           review_on=date.today() + timedelta(days=300))
    return police, geo


def awkward_extract(geo: pd.DataFrame) -> pd.DataFrame:
    """300 occurrences with bad rows, blank LSOAs, rows in the neighbour's area, and
    references repeated across chunks (once with another offence code)."""
    frame = synthetic.police_occurrences(geo, 2022, 1, 300, seed=9, bad_rows=8)
    frame.loc[[5, 70, 130, 200, 250], "lsoa_code"] = geo.loc[0, "LSOA11CD"]  # in BCP
    refs = frame["occurrence_ref"]
    frame.loc[130, "occurrence_ref"] = refs[5]  # chunk 3 repeats chunk 1
    frame.loc[250, "occurrence_ref"] = refs[5]  # ... and chunk 5 again: this one is kept
    frame.loc[200, ["occurrence_ref", "offence_code"]] = [refs[70], "105A"]
    frame.loc[[20, 140], "lsoa_code"] = ""
    return frame


def load(world, police, frame, chunk_rows, monkeypatch, name="extract.csv") -> Extract:
    monkeypatch.setattr(streaming, "CHUNK_ROWS", chunk_rows)
    extract = services.extract_receive(
        partnership=world.home, organisation=police, source_key="police_occurrences",
        filename=name, chunks=[frame.to_csv(index=False).encode()], uploaded_by=None,
        enqueue=False)
    try:
        processing.process(processing.claim(extract.pk))
    finally:
        extract.refresh_from_db()
    return extract


def outcome(extract: Extract) -> dict:
    rows = PoliceOccurrence.objects.filter(extract=extract).order_by("occurrence_ref")
    return {
        "fields": {name: getattr(extract, name) for name in (
            "status", "message", "rows_read", "rows_loaded", "rows_rejected", "duplicates",
            "outside_area", "unplaced", "period_start", "period_end", "by_category")},
        "report": extract.report,
        "errors": list(extract.row_errors.order_by("pk").values_list(
            "row_number", "column", "reason", "value")),
        "rows": list(rows.values_list(*STORED)),
    }


def forget(extract: Extract) -> None:
    """So that the same file can be loaded again (a loaded file is not loaded twice)."""
    Extract.objects.filter(pk=extract.pk).delete()


def test_chunks_load_what_one_piece_loads(world, force, monkeypatch):
    police, geo = force
    frame = awkward_extract(geo)
    streamed = load(world, police, frame, SMALL, monkeypatch)
    assert streamed.status == Extract.Status.LOADED, streamed.message
    chunked = outcome(streamed)
    forget(streamed)
    whole = outcome(load(world, police, frame, 10_000, monkeypatch))
    assert chunked == whole
    fields = whole["fields"]
    assert fields["rows_read"] == 300
    assert fields["rows_rejected"] >= 5 and fields["duplicates"] == 3
    assert fields["outside_area"] > 0 and fields["unplaced"] >= 2
    assert (fields["rows_loaded"] + fields["rows_rejected"] + fields["duplicates"]
            + fields["outside_area"]) == 300
    assert whole["report"]["duplicates_other_offence"] >= 1
    # The local authorities its stored rows lie in ("" for unplaced): outside ones are not.
    stored = {row[STORED.index("local_authority_code")] for row in whole["rows"]}
    assert whole["report"]["local_authorities"] == sorted(stored) == ["", BCP]
    kept = PoliceOccurrence.objects.get(occurrence_ref=frame.loc[5, "occurrence_ref"])
    assert kept.offence_code == frame.loc[250, "offence_code"]  # the last row of the three


def test_personal_data_in_a_late_chunk_refuses_the_file_as_a_whole_scan_does(
        world, force, monkeypatch):
    police, geo = force
    frame = synthetic.police_occurrences(geo, 2022, 1, 300, seed=10)
    frame.loc[[230, 280], "offence_description"] = "called on 07700 900123"
    streamed = load(world, police, frame, SMALL, monkeypatch)
    assert streamed.status == Extract.Status.REFUSED
    assert streamed.report["refusal"] == "personal_data"
    assert "rows 230 and 280" in streamed.message  # synthetic frames count rows from 1
    assert not PoliceOccurrence.objects.exists() and not RowError.objects.exists()
    message = streamed.message
    forget(streamed)
    whole = load(world, police, frame, 10_000, monkeypatch)
    assert (whole.status, whole.message) == (Extract.Status.REFUSED, message)


def test_too_many_errors_found_late_refuse_the_file_and_store_nothing(
        world, force, monkeypatch):
    police, geo = force
    frame = synthetic.police_occurrences(geo, 2022, 1, 300, seed=11)
    frame.loc[241:, "offence_code"] = "no such code"  # rows 241 to 300
    streamed = load(world, police, frame, SMALL, monkeypatch)
    assert streamed.status == Extract.Status.REFUSED
    assert streamed.report["refusal"] == "too_many_errors"
    assert "60 of 300 rows" in streamed.message
    assert not PoliceOccurrence.objects.exists() and not RowError.objects.exists()


def test_a_new_layout_stops_at_the_mapping_step_after_the_whole_scan(
        world, force, monkeypatch):
    police, geo = force
    frame = synthetic.police_occurrences(geo, 2022, 1, 700, seed=12, header_style="niche")
    # Chunks are never smaller than the sample the mapping is proposed from (200 rows).
    streamed = load(world, police, frame, 250, monkeypatch)
    assert streamed.status == Extract.Status.NEEDS_MAPPING
    assert streamed.rows_read == 700  # every chunk scanned for personal data first
    assert not PoliceOccurrence.objects.exists()
    proposal, samples = streamed.report["mapping_proposal"], streamed.report["samples"]
    forget(streamed)
    whole = load(world, police, frame, 10_000, monkeypatch)
    assert whole.report["mapping_proposal"] == proposal and whole.report["samples"] == samples


def test_a_later_load_supersedes_the_period_it_covers(world, force, monkeypatch):
    police, geo = force
    first = load(world, police, synthetic.police_occurrences(geo, 2022, 1, 200, seed=13),
                 SMALL, monkeypatch, name="first.csv")
    second = load(world, police, synthetic.police_occurrences(geo, 2022, 1, 250, seed=14),
                  SMALL, monkeypatch, name="second.csv")
    first.refresh_from_db()
    assert second.status == Extract.Status.LOADED, second.message
    assert first.status == Extract.Status.SUPERSEDED and first.superseded_by == second
    assert PoliceOccurrence.objects.filter(extract=first).count() == 0
    assert PoliceOccurrence.objects.count() == second.rows_loaded


def test_lsoa_areas_load_with_the_lookup_and_survive_one_without_them(
        world, force, django_capture_on_commit_callbacks):
    _police, geo = force
    area = LsoaArea.objects.get(code=geo.loc[0, "LSOA11CD"])
    assert area.area_km2 == pytest.approx(geo.loc[0, "AREAEHECT"] / 100)
    with django_capture_on_commit_callbacks(execute=True):
        services.extract_receive(
            partnership=world.home, organisation=None, source_key="geography",
            filename="geo-again.csv", uploaded_by=None,
            chunks=[geo.drop(columns="AREAEHECT").to_csv(index=False).encode()])
    area.refresh_from_db()
    assert area.area_km2 == pytest.approx(geo.loc[0, "AREAEHECT"] / 100)
