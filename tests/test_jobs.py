"""svd_platform.jobs: a row is claimed once; a dead worker's claim is taken over only once
it is stale; a message that finds a live claim comes back later, one that finds the work
done is skipped. Checked for both kinds of job (an extract and an assessment)."""

from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.db.models import F

from assessments import services as assessments
from assessments.models import Assessment
from assessments.tasks import assessment_run
from ingest import processing
from ingest import services as ingest
from ingest.models import Extract
from ingest.tasks import extract_process
from svd_platform import jobs


def _older(rows, pk: int, field: str, seconds: int) -> None:
    """Move the claim back in time, as if the worker that made it had been gone that long."""
    rows.filter(pk=pk).update(**{field: F(field) - timedelta(seconds=seconds)})


@pytest.fixture
def extract(world) -> Extract:
    return ingest.extract_receive(
        partnership=world.home, organisation=None, source_key="geography", filename="g.csv",
        chunks=[b"LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM\n"], uploaded_by=None,
        enqueue=False)


@pytest.fixture
def queued(world) -> Assessment:
    from tests.assessments_app.conftest import add_occurrences

    add_occurrences(world.home, {"rape": [3, 4, 5, 6, 7]},
                    local_authority=world.home.local_authority_codes[0])
    definition = assessments.definition_from_preset(
        partnership=world.home, financial_year="2023/24", key="home_office_serious_violence")
    return assessments.assessment_start(partnership=world.home, financial_year="2023/24",
                                        definition_version=definition.current, enqueue=False)


def test_an_extract_is_claimed_once_and_again_only_when_the_claim_is_stale(extract):
    first = processing.claim(extract.pk)
    assert first.status == Extract.Status.PROCESSING and first.claimed_at is not None
    assert processing.claim(extract.pk) is None  # a second delivery while the first works

    limit = settings.CELERY_TASK_TIME_LIMIT
    _older(Extract.objects, extract.pk, "claimed_at", limit)  # at the limit: maybe alive
    assert processing.claim(extract.pk) is None
    _older(Extract.objects, extract.pk, "claimed_at", jobs.STALE_MARGIN_SECONDS + 1)
    again = processing.claim(extract.pk)
    assert again is not None and again.claimed_at > first.claimed_at


def test_an_assessment_is_claimed_once_and_again_only_when_the_claim_is_stale(queued):
    first = assessments.claim(queued.pk)
    assert first.status == Assessment.Status.RUNNING and first.stage == "reading"
    assert assessments.claim(queued.pk) is None
    _older(Assessment.objects, queued.pk, "started_at",
           settings.CELERY_TASK_TIME_LIMIT + jobs.STALE_MARGIN_SECONDS + 1)
    assert assessments.claim(queued.pk) is not None


@pytest.mark.parametrize("kind", ["extract", "assessment"])
def test_a_message_for_a_live_claim_comes_back_later_and_one_for_finished_work_is_skipped(
        kind, request):
    if kind == "extract":
        row, task, claim = request.getfixturevalue("extract"), extract_process, processing.claim
        finished = {"status": Extract.Status.REFUSED}
    else:
        row, task, claim = request.getfixturevalue("queued"), assessment_run, assessments.claim
        finished = {"status": Assessment.Status.FAILED}
    assert claim(row.pk) is not None  # the worker that then died
    with pytest.raises(Retry) as retried:
        task.apply(args=[row.pk], throw=True)
    assert retried.value.when == settings.CELERY_TASK_TIME_LIMIT + jobs.RETRY_MARGIN_SECONDS
    type(row).objects.filter(pk=row.pk).update(**finished)
    assert task.apply(args=[row.pk]).get() == "skipped"
