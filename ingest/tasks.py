from celery import shared_task

from . import processing


@shared_task
def extract_process(extract_id: int) -> str:
    """Scan, validate and load one extract. Safe to run twice: the claim is conditional."""
    extract = processing.claim(extract_id)
    if extract is None:
        return "skipped"
    return processing.process(extract).status


@shared_task
def purge_expired() -> int:
    """Daily: delete rows past their sharing agreement's retention period."""
    from .services import extracts_purge_expired

    return len(extracts_purge_expired())
