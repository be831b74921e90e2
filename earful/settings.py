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
    url = env.get_str("EARFUL_DATABASE_URL", default_url)
    if TESTING:
        url = env.get_str("EARFUL_TEST_DATABASE_URL", "sqlite:///:memory:")
    config = dj_database_url.parse(url, conn_max_age=0 if TESTING else 60)
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
    "earful.perception",
    "earful.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "earful.widget.middleware.WidgetCorsMiddleware",
    "earful.core.ratelimit.AbuseLimitMiddleware",
    "earful.surveys.middleware.PublicAnswerMiddleware",  # answers skip the middleware below
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
LOGIN_REDIRECT_URL = "surveys:list"
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

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.get_bool("EARFUL_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

EMAIL_BACKEND = env.get_str(
    "EARFUL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.get_str("EARFUL_FROM_EMAIL", "Earful <feedback@localhost>")
EMAIL_HOST = env.get_str("EARFUL_EMAIL_HOST", "localhost")
EMAIL_PORT = env.get_int("EARFUL_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.get_str("EARFUL_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get_str("EARFUL_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.get_bool("EARFUL_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.get_bool("EARFUL_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.get_int("EARFUL_EMAIL_TIMEOUT", 30, minimum=1)
# Links in emails (invitations) start with this; no trailing slash.
EARFUL_BASE_URL = env.get_str("EARFUL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

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
EARFUL_TRUST_X_FORWARDED_FOR = env.get_bool("EARFUL_TRUST_X_FORWARDED_FOR", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get_str("EARFUL_LOG_LEVEL", "INFO")},
}

# Alerts (earful/alerts): past this many per destination per hour, one daily digest instead.
EARFUL_ALERT_DIGEST_THRESHOLD = env.get_int("EARFUL_ALERT_DIGEST_THRESHOLD", 10, minimum=1)
