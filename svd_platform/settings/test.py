"""Fast unit-test settings: eager Celery, in-memory mail, quick hashing.

The integration suite does not use eager mode: it sets DATABASE_URL / REDIS_URL and
runs a real worker (see tests/integration/)."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-key-not-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Eager only when no real broker is configured for the integration suite.
CELERY_TASK_ALWAYS_EAGER = not env.bool("SVD_REAL_WORKER", default=False)
if not CELERY_TASK_ALWAYS_EAGER:
    # The integration suite's worker process writes its mail where the tests can read it.
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=EMAIL_BACKEND)
CELERY_TASK_EAGER_PROPAGATES = True
AXES_FAILURE_LIMIT = 3
if "INGEST_QUARANTINE_DIR" not in os.environ:
    # Integration runs set it, so the test process and its worker share one folder.
    INGEST_QUARANTINE_DIR = Path(tempfile.mkdtemp(prefix="svd-quarantine-"))
if "DATABASE_URL" not in os.environ:
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}  # noqa: F405
# Throttling after a wrong code is tested on its own (test_accounts); elsewhere it would
# make tests depend on the clock.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
