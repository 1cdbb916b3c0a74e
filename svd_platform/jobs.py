"""Work that a Celery message starts and a database row records: an extract to load, an
assessment to compute.

The row is claimed by one conditional UPDATE, so a message delivered twice does the work
once. A worker that dies leaves its row claimed; the broker delivers the message again, and
the row is claimed again once the claim is older than the hard time limit (plus a margin),
when that worker can no longer be running. A redelivered message that finds a live claim
comes back later rather than being dropped, which would leave the row stuck.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

# A worker past the hard time limit has been killed; the margin covers clocks and the kill.
STALE_MARGIN_SECONDS = 30
RETRY_MARGIN_SECONDS = 60  # a retry comes after the claim it waits for has gone stale


def stale_before():
    """Claims made before this moment belong to workers that cannot still be running."""
    return timezone.now() - timedelta(
        seconds=settings.CELERY_TASK_TIME_LIMIT + STALE_MARGIN_SECONDS)


def claim(rows: QuerySet, pk: int, *, waiting: str, running: str, claimed_at: str,
          **changes) -> Model | None:
    """The row `pk` of `rows`, now `running` and claimed at `claimed_at` (with `changes`),
    if it was `waiting` or held by a stale claim; None if another worker holds it or it is
    done."""
    now = timezone.now()
    claimed = rows.filter(
        Q(status=waiting) | Q(status=running, **{f"{claimed_at}__lt": stale_before()}),
        pk=pk).update(status=running, **{claimed_at: now}, **changes)
    return rows.get(pk=pk) if claimed else None


def skip_or_retry(task, rows: QuerySet, pk: int, *, running: str) -> str:
    """For a message whose row could not be claimed: "skipped" when the row is done or gone;
    when a worker (perhaps a dead one) holds it, the task again once that claim is stale."""
    if rows.filter(pk=pk, status=running).exists():
        raise task.retry(countdown=settings.CELERY_TASK_TIME_LIMIT + RETRY_MARGIN_SECONDS)
    return "skipped"
