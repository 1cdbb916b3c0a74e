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
    result = TaskResult.objects.get(task_id=task_id)
    assert (result.status, result.worker, result.result) == ("SUCCESS", worker.hostname,
                                                             '"done"')
