from celery import shared_task
from django.conf import settings

from . import services
from .models import Assessment


@shared_task(bind=True, max_retries=3)
def assessment_run(self, assessment_id: int) -> str:
    """Compute one queued assessment. Safe to deliver twice: the claim is conditional, and a
    message redelivered after its worker died retries once the claim has gone stale."""
    assessment = services.claim(assessment_id)
    if assessment is not None:
        return services.run(assessment).status
    if Assessment.objects.filter(pk=assessment_id, status=Assessment.Status.RUNNING).exists():
        raise self.retry(countdown=settings.CELERY_TASK_TIME_LIMIT + 60)
    return "skipped"
