"""Tasks go through Redis to the worker process and their results come back through the
django-db result backend; the invitation email is sent by the worker."""

import email
import email.policy
import re

import pytest
from celery.result import AsyncResult, EagerResult
from celery.signals import after_task_publish
from django.db import connection
from django_celery_results.models import TaskResult

from partners import demo, services
from partners.models import Invitation, Partnership, User
from partners.roles import Role
from partners.tasks import ping

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TASK_TIMEOUT = 30


def test_ping_round_trips_through_redis_and_the_worker(worker):
    result = ping.delay()

    assert isinstance(result, AsyncResult) and not isinstance(result, EagerResult)
    assert result.get(timeout=TASK_TIMEOUT) == "pong"
    row = TaskResult.objects.get(task_id=result.id)
    assert row.status == "SUCCESS"
    assert row.task_name == "partners.tasks.ping"
    assert row.worker == worker.hostname  # run by the subprocess, not in this process
    assert f"partners.tasks.ping[{result.id}] received" in worker.log()


@pytest.fixture
def published():
    """Task ids and names published to the broker during the test."""
    sent: list[tuple[str, str]] = []

    def record(sender=None, headers=None, **kwargs):
        sent.append((headers["task"], headers["id"]))

    after_task_publish.connect(record, weak=False)
    yield sent
    after_task_publish.disconnect(record)


def _messages(mail_dir) -> list[email.message.EmailMessage]:
    """The messages the file-based email backend wrote (one or more per file)."""
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


def _rows_containing(text: str) -> dict[str, int]:
    """Every table of the database whose rows contain `text` anywhere, with a count."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT count(*) FROM {quoted} AS r WHERE strpos(r::text, %s) > 0",
                           [text])
            (count,) = cursor.fetchone()
            if count:
                found[table] = count
    return found


def test_invitation_email_is_sent_by_the_worker_with_a_one_time_link(worker, published):
    demo.seed()
    partnership = Partnership.objects.get(slug="bcp-csp")
    seat = partnership.seats.select_related("organisation").first()
    admin = User.objects.get(username="admin")

    invitation = services.invitation_create(seat=seat, role=Role.ANALYST,
                                            email="New.Analyst@Example.org", invited_by=admin)

    sends = [task_id for name, task_id in published if name == "partners.tasks.invitation_send"]
    assert len(sends) == 1, f"expected one invitation_send published to the broker: {published}"
    (task_id,) = sends
    messages = wait_for(lambda: _messages(worker.mail_dir), timeout=TASK_TIMEOUT,
                        what="the worker to write the invitation email",
                        details=worker.log_tail)
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "new.analyst@example.org"
    body = message.get_body(preferencelist=("plain",)).get_content()
    links = re.findall(re.escape(worker.site_url) + r"/invite/([A-Za-z0-9_-]+)/", body)
    assert len(links) == 1, f"expected one one-time link in:\n{body}"
    (token,) = links
    assert len(token) >= 40
    # The link opens exactly this pending invitation.
    assert list(Invitation.objects.by_token(token)) == [invitation]

    # The worker records the outcome after sending: wait for it, then look everywhere.
    done = f"invitation_send[{task_id}] succeeded"
    wait_for(lambda: done in worker.log(), timeout=TASK_TIMEOUT,
             what="the invitation task to finish", details=worker.log_tail)
    (line,) = [line for line in worker.log().splitlines() if done in line]
    assert line.endswith(": 'sent'"), line
    assert TaskResult.objects.filter(task_id=task_id).exclude(status="SUCCESS").count() == 0
    # The token is never stored in plain text: not in the invitation (only its hash), the
    # audit log, the task results, nor any other table, and the worker does not log it.
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.token_hash and stored.token_hash != token
    assert _rows_containing(token) == {}
    assert _rows_containing(stored.token_hash[:32]) == {"partners_invitation": 1}
    assert token not in worker.log()
