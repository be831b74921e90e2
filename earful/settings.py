"""Earful settings: one file; every knob is an EARFUL_* variable.

All of them are listed in docs/self-hosting/configuration.md.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Any

import dj_database_url

from earful.core import env

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env.get_path("EARFUL_DATA_DIR", BASE_DIR / "data")
TESTING = "pytest" in sys.modules


def _secret_key() -> str:
    configured = env.get_str("EARFUL_SECRET_KEY", "")
    if configured:
        return configured
    if TESTING:
        return "tests-only-not-secret"
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database() -> dict[str, Any]:
    default_url = f"sqlite:///{DATA_DIR / 'earful.sqlite3'}"
    name, url = "EARFUL_DATABASE_URL", env.get_str("EARFUL_DATABASE_URL", default_url)
    if TESTING:
        name, url = "EARFUL_TEST_DATABASE_URL", env.get_str(name, "sqlite:///:memory:")
    if not url.strip():
        raise env.ConfigError(
            f"{name} is set but empty: unset it for the SQLite default under data/, or give a "
            "URL such as postgres://user@host:5432/earful"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=0 if TESTING else 60)
    except (ValueError, KeyError) as exc:
        raise env.ConfigError(f"{name}={url!r}: not a database URL ({exc})") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if config["NAME"] != ":memory:":
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON; "
                # 40 MB: the expansion checkpoints after each sweep (core.rows.checkpoint), so
                # an answer's commit seldom has to; SQLite's own is the safety net.
                "PRAGMA wal_autocheckpoint=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    return dict(config)


SECRET_KEY = _secret_key()
DEBUG = env.get_bool("EARFUL_DEBUG", False)
ALLOWED_HOSTS = env.get_list("EARFUL_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.get_list("EARFUL_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves Swagger UI at /api/v1/docs from its own static files, not a CDN
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "earful.core",
    "earful.accounts",
    "earful.customers",
    "earful.feedback",
    "earful.surveys",
    "earful.outreach",
    "earful.widget",
    "earful.ingest",
    "earful.insights",
    "earful.inbox",
    "earful.alerts",
    "earful.cases",
    "earful.ideas",
    "earful.webhooks",
    "earful.privacy",
    "earful.health",
    "earful.home",
    "earful.perception",
    "earful.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "earful.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "earful.widget.middleware.WidgetCorsMiddleware",
    "earful.core.ratelimit.AbuseLimitMiddleware",
    "earful.surveys.middleware.PublicAnswerMiddleware",  # answers skip the middleware below
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "earful.privacy.middleware.AuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "earful.urls"
WSGI_APPLICATION = "earful.wsgi.application"
ASGI_APPLICATION = "earful.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "earful" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# HTTPS (docs/self-hosting/configuration.md, "Production"): redirect plain HTTP, tell browsers
# to use HTTPS only (HSTS), and send cookies over HTTPS only.
SECURE_SSL_REDIRECT = env.get_bool("EARFUL_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env.get_int("EARFUL_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.get_bool("EARFUL_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env.get_bool("EARFUL_HSTS_PRELOAD", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.get_bool("EARFUL_SECURE_COOKIES", SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

EMAIL_BACKEND = env.get_str("EARFUL_EMAIL_BACKEND", "earful.core.worklog.OneLineConsoleBackend")
DEFAULT_FROM_EMAIL = env.get_str("EARFUL_FROM_EMAIL", "Earful <feedback@localhost>")
EMAIL_HOST = env.get_str("EARFUL_EMAIL_HOST", "localhost")
EMAIL_PORT = env.get_int("EARFUL_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.get_str("EARFUL_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get_str("EARFUL_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.get_bool("EARFUL_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.get_bool("EARFUL_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.get_int("EARFUL_EMAIL_TIMEOUT", 30, minimum=1)
# Links in emails (invitations) start with this; no trailing slash.
# `earful serve` listens on EARFUL_HOST:EARFUL_PORT unless told otherwise (make demo sets both
# from HOST and PORT), and links default to that address.
EARFUL_HOST = env.get_str("EARFUL_HOST", "127.0.0.1")
EARFUL_PORT = env.get_int("EARFUL_PORT", 8000, minimum=1)
EARFUL_BASE_URL = env.get_str("EARFUL_BASE_URL", f"http://{EARFUL_HOST}:{EARFUL_PORT}").rstrip("/")

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# Bodies of public answers are small; anything larger is refused before parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.get_int("EARFUL_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1024)

# Abuse limits on public doors and on API tokens (earful/core/ratelimit.py).
EARFUL_RATE_LIMIT_PUBLIC = env.get_str("EARFUL_RATE_LIMIT_PUBLIC", "120/60")
EARFUL_RATE_LIMIT_TOKEN = env.get_str("EARFUL_RATE_LIMIT_TOKEN", "1200/60")
EARFUL_PUBLIC_MAX_BODY_BYTES = env.get_int("EARFUL_PUBLIC_MAX_BODY_BYTES", 32768, minimum=1024)
EARFUL_API_MAX_BODY_BYTES = env.get_int("EARFUL_API_MAX_BODY_BYTES", 1024 * 1024, minimum=1024)
EARFUL_TRUST_X_FORWARDED_FOR = env.get_bool("EARFUL_TRUST_X_FORWARDED_FOR", False)  # = 1 proxy
EARFUL_TRUSTED_PROXIES = env.get_int(
    "EARFUL_TRUSTED_PROXIES", 1 if EARFUL_TRUST_X_FORWARDED_FOR else 0, minimum=0
)
if EARFUL_TRUSTED_PROXIES:  # the proxy terminates TLS and says so
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sign-in lock-out (earful/accounts/signin.py): this many failures in this many minutes.
EARFUL_LOGIN_MAX_FAILURES = env.get_int("EARFUL_LOGIN_MAX_FAILURES", 5, minimum=1)
EARFUL_LOGIN_LOCKOUT_MINUTES = env.get_int("EARFUL_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
# Outbound requests to user-given URLs (earful/core/outbound.py): public addresses only unless on.
EARFUL_ALLOW_PRIVATE_DESTINATIONS = env.get_bool("EARFUL_ALLOW_PRIVATE_DESTINATIONS", False)

# The worker's log is quiet: failures, one line per sweep that did something, and a summary of
# the tasks done each minute (earful/core/worklog.py); every task at EARFUL_LOG_LEVEL=DEBUG.
# Tests log no task at all.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"task_summary": {"()": "earful.core.worklog.task_summary_filter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get_str("EARFUL_LOG_LEVEL", "INFO").upper()},
    "loggers": {
        "django_tasks": {"filters": ["task_summary"], **({"level": "WARNING"} if TESTING else {})},
        "django_tasks_db": {"filters": ["task_summary"]},
    },
}

# The worker (earful/core/worker.py): a task running longer than the lease is run again; the
# pages show a banner when no worker reported in for the stale time.
EARFUL_TASK_LEASE_SECONDS = env.get_int("EARFUL_TASK_LEASE_SECONDS", 600, minimum=30)
EARFUL_WORKER_STALE_SECONDS = env.get_int("EARFUL_WORKER_STALE_SECONDS", 120, minimum=10)

# Alerts (earful/alerts): past this many per destination per hour, one daily digest instead.
EARFUL_ALERT_DIGEST_THRESHOLD = env.get_int("EARFUL_ALERT_DIGEST_THRESHOLD", 10, minimum=1)
