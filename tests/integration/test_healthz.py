"""/healthz against the real PostgreSQL and Redis, and with the broker unreachable."""

import socket

import pytest

from svd_platform.celery import app

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_ok_with_the_real_database_and_broker(client, worker):
    response = client.get("/healthz")

    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert response["Cache-Control"] and "no-cache" in response["Cache-Control"]


def test_healthz_reports_the_broker_down(client, settings, worker):
    down = f"redis://127.0.0.1:{_closed_port()}/0"
    previous = app.conf.broker_url
    settings.CELERY_BROKER_URL = down
    app.conf.broker_url = down
    try:
        assert app.conf.broker_write_url == down
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = previous

    assert response.status_code == 503, response.content
    body = response.json()
    assert body["broker"] == "down"
    assert body["database"] == "ok"
    assert body["status"] == "unavailable"
    # and it recovers once the broker is back
    assert client.get("/healthz").status_code == 200
