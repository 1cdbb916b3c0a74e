"""What an assessment may read (selectors.Scope): an extract whose rows, when loaded, all lay
in the partnership's area is read whole; any other is tested row by row. Either way the same
rows are read, and none from outside the area."""

from assessments import selectors
from ingest.models import PoliceOccurrence

from .conftest import BCP, add_occurrences

BRISTOL = "E06000023"


def refs(partnership) -> set[str]:
    scope = selectors.scope_for(partnership, "2023/24")
    return set(scope.placed(PoliceOccurrence.objects).values_list("occurrence_ref", flat=True))


def test_an_extract_whose_rows_all_lay_in_the_area_is_read_whole_with_the_same_rows(world):
    extract = add_occurrences(world.home)
    assert extract.pk not in selectors.scope_for(world.home, "2023/24").contained_ids
    tested = refs(world.home)  # nothing recorded at its load: tested row by row
    assert len(tested) == PoliceOccurrence.objects.count()

    extract.report = {"local_authorities": [BCP]}
    extract.save()
    assert extract.pk in selectors.scope_for(world.home, "2023/24").contained_ids
    assert refs(world.home) == tested


def test_rows_outside_the_area_or_unplaced_keep_an_extract_tested_row_by_row(world):
    extract = add_occurrences(world.home)
    rows = PoliceOccurrence.objects.filter(extract=extract).order_by("pk")
    outside = set(rows.values_list("occurrence_ref", flat=True)[:3])
    unplaced = set(rows.values_list("occurrence_ref", flat=True)[3:5])
    rows.filter(occurrence_ref__in=outside).update(local_authority_code=BRISTOL)
    rows.filter(occurrence_ref__in=unplaced).update(local_authority_code="")
    everything = set(rows.values_list("occurrence_ref", flat=True))

    # The force covers more than this partnership, so its unplaced rows are not read either.
    extract.report = {"local_authorities": ["", BCP, BRISTOL]}
    extract.save()
    scope = selectors.scope_for(world.home, "2023/24")
    assert extract.organisation_id not in scope.whole_supplier_orgs
    assert extract.pk not in scope.contained_ids
    assert refs(world.home) == everything - outside - unplaced

    extract.report = {"local_authorities": ["", BCP]}
    extract.save()
    assert extract.pk not in selectors.scope_for(world.home, "2023/24").contained_ids
