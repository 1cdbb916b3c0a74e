from celery import shared_task

from svd_platform import jobs

from . import processing
from .models import Extract


@shared_task(bind=True, max_retries=3)
def extract_process(self, extract_id: int) -> str:
    """Scan, validate and load one extract. Safe to run twice: the claim is conditional.

    A message redelivered because its worker died finds the extract still 'processing'
    under a fresh claim: rather than drop it (leaving the extract stuck), try again once
    the claim has gone stale, when no worker can still hold it."""
    extract = processing.claim(extract_id)
    if extract is not None:
        return processing.process(extract).status
    return jobs.skip_or_retry(self, Extract.objects, extract_id,
                              running=Extract.Status.PROCESSING)


@shared_task
def purge_expired() -> int:
    """Daily: delete rows past their sharing agreement's retention period."""
    from .services import extracts_purge_expired

    return len(extracts_purge_expired())
