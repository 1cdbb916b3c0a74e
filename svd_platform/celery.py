"""Celery application. The broker is chosen by settings: Redis in production, a
filesystem transport (no server) in the embedded mode, eager only in unit tests."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "svd_platform.settings.base")

app = Celery("svd_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
