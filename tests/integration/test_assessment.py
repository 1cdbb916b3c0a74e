"""An assessment computed by a real Celery worker (a subprocess, through Redis) reading
PostgreSQL: the snapshot's counts are the hand counts, and the task ran in the worker."""

import pytest
from celery.signals import after_task_publish
from django_celery_results.models import TaskResult

from assessments import services
from assessments.models import Assessment
from assessments.tasks import assessment_run
from partners import services as partner_services
from tests.assessments_app.conftest import COUNTS, YEARS, add_occurrences

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published():
    sent: list[str] = []

    def record(sender=None, headers=None, **kwargs):
        if headers["task"] == assessment_run.name:
            sent.append(headers["id"])

    after_task_publish.connect(record, weak=False)
    yield sent
    after_task_publish.disconnect(record)


def test_assessment_runs_in_the_worker_on_postgresql(worker, published):
    partnership, _ = partner_services.partnership_create(
        slug="int-csp", name="Integration CSP", kind="csp", local_authority_codes=["E06000058"])
    add_occurrences(partnership)
    definition = services.definition_create(partnership=partnership, name="Local",
                                            financial_year="2023/24",
                                            rules={"categories": sorted(COUNTS)})
    run = services.assessment_start(partnership=partnership, financial_year="2023/24",
                                    definition_version=definition.current)

    def finished():
        worker.assert_alive()
        run.refresh_from_db()
        return run.is_finished

    wait_for(finished, timeout=120, what="the worker to finish the assessment",
             details=lambda: f"status {run.status} stage {run.stage}\n{worker.log_tail()}")
    assert run.status == Assessment.Status.DONE, run.error
    rows = {r["category"]: r for r in
            run.result["sections"]["volumes"]["tables"]["by_category"]["rows"]}
    for category, series in COUNTS.items():
        assert [rows[category][y] for y in YEARS] == series
    assert run.provenance["extracts"] and run.duration_seconds > 0
    [task_id] = published
    # The task stores the snapshot, then returns; its result is written after that.
    wait_for(lambda: TaskResult.objects.filter(task_id=task_id, status="SUCCESS").exists(),
             timeout=30, what="the task's result to be stored",
             details=lambda: str(TaskResult.objects.filter(task_id=task_id)
                                 .values_list("status", flat=True)[:1]))
    result = TaskResult.objects.get(task_id=task_id)
    assert (result.status, result.worker, result.result) == ("SUCCESS", worker.hostname,
                                                             '"done"')


def test_a_big_table_is_read_in_parts_under_one_snapshot_giving_the_rows_of_one_read(
        settings, monkeypatch):
    """assessments/frames.py splits a read of a big table by block ranges across connections
    sharing one snapshot: together they are exactly the rows one read gives."""
    import pandas as pd

    from assessments import frames, selectors
    from ingest.models import PoliceOccurrence

    partnership, _ = partner_services.partnership_create(
        slug="int-split", name="Split CSP", kind="csp", local_authority_codes=["E06000058"])
    add_occurrences(partnership)
    scope = selectors.scope_for(partnership, "2023/24")
    rows = scope.placed(PoliceOccurrence.objects)
    shared, original = [], frames._share_snapshot

    def spy(raw_connections):
        shared.append(len(raw_connections))
        original(raw_connections)

    monkeypatch.setattr(frames, "_share_snapshot", spy)

    def as_text(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.sort_values("occurrence_ref").reset_index(drop=True)
        return frame.astype({name: str for name, kind in selectors.POLICE.items()
                             if kind == frames.CODE})

    settings.ASSESSMENT_READ_SPLIT_BYTES, settings.ASSESSMENT_READ_PARTS = 0, 3
    split = frames.read(rows, selectors.POLICE)
    assert shared == [3]  # three connections, one snapshot
    settings.ASSESSMENT_READ_PARTS = 1
    whole = frames.read(rows, selectors.POLICE)
    assert shared == [3]
    assert len(whole) == sum(sum(series) for series in COUNTS.values())
    assert list(split.dtypes) == list(whole.dtypes)
    pd.testing.assert_frame_equal(as_text(split), as_text(whole))
