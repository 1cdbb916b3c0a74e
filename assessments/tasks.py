from celery import shared_task

from svd_platform import jobs

from . import services
from .models import Assessment


@shared_task(bind=True, max_retries=3)
def assessment_run(self, assessment_id: int) -> str:
    """Compute one queued assessment. Safe to deliver twice: the claim is conditional, and a
    message redelivered after its worker died retries once the claim has gone stale."""
    assessment = services.claim(assessment_id)
    if assessment is not None:
        return services.run(assessment).status
    return jobs.skip_or_retry(self, Assessment.objects, assessment_id,
                              running=Assessment.Status.RUNNING)
