"""Production: PostgreSQL, Redis, gunicorn behind TLS. Secrets have no defaults, and a
missing one stops the process at start-up with its name."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL")
_missing = [name for name in REQUIRED if not env.str(name, default="")]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
if SECRET_KEY.startswith("embedded-") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
ALLOW_DEMO_USERS = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_CONFIG)
