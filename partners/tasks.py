"""Thin Celery tasks: take an id, load, call a service or send, return early if gone."""

from celery import shared_task

from .models import Invitation
from .notifications import invitation_email


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def invitation_send(invitation_id: int, token: str) -> str:
    invitation = Invitation.objects.filter(pk=invitation_id).select_related(
        "seat__partnership", "seat__organisation", "invited_by").first()
    if invitation is None or not invitation.is_pending:
        return "skipped"
    invitation_email(invitation, token).send()
    return "sent"


@shared_task
def ping() -> str:
    """Round trip used by /healthz tests and the integration suite."""
    return "pong"
