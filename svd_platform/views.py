"""Site-wide pages: health check, accessibility statement, error pages."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "down"; the reason goes to the log
        log.exception("healthz: database check failed")
        return False


def _broker_ok() -> bool:
    from svd_platform.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        log.exception("healthz: broker check failed")
        return False


@never_cache
def healthz(request):
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable",
            **{name: "ok" if ok else "down" for name, ok in checks.items()}}
    return JsonResponse(body, status=200 if healthy else 503)


def accessibility(request):
    return render(request, "accessibility.html")


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    return render(request, "errors/500.html", status=500)
