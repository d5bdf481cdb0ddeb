"""Settings for thidua, read from the environment with safe local defaults.

DATABASE_URL picks the database (SQLite under DATA_DIR by default), DATA_DIR holds the
database, uploads and generated documents, SECRET_KEY and DEBUG behave as usual.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {value!r}")


def envint(name: str, default: str) -> int:
    try:
        return int(os.getenv(name, default))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer") from exc


def envnetworks(name: str) -> list[str]:
    """A comma-separated list of IP addresses or CIDR networks, checked at start-up."""
    import ipaddress

    values = [v.strip() for v in os.getenv(name, "").split(",") if v.strip()]
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {value!r} is not an IP address or network") from exc
    return values


DATA_DIR = Path(os.getenv("DATA_DIR", str(BASE_DIR / "data"))).resolve()
DEBUG = envbool("DEBUG", "false")
PRODUCTION = envbool("PRODUCTION", "false")

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is required in production")
    # A stable per-installation key so sessions survive restarts of `make run`.
    key_file = DATA_DIR / ".secret_key"
    if key_file.exists():
        SECRET_KEY = key_file.read_text().strip()
    else:
        import secrets

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        SECRET_KEY = secrets.token_urlsafe(50)
        key_file.write_text(SECRET_KEY)

ALLOWED_HOSTS = [h for h in os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    # Background jobs (issue #15): Django's tasks framework through the django-tasks backport,
    # queued in the database (django-tasks-db) and run by `manage.py db_worker` beside gunicorn.
    "django_tasks",
    "django_tasks_db",
    "thidua.core",
    "thidua.audit",
    "thidua.org",
    "thidua.accounts",
    "thidua.blocs",
    "thidua.movements",
    "thidua.documents",
    "thidua.scoring",
    "thidua.voting",
    "thidua.awards",
    "thidua.history",
    "thidua.initiatives",
    "thidua.exemplars",
    "thidua.proposals",
    "thidua.docimport",
    "thidua.counting",
    "thidua.jobs",
    "thidua.exports",
    "thidua.notifications",
    "thidua.reports",
    "thidua.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "thidua.core.middleware.SecurityHeadersMiddleware",
    # After WhiteNoise, so static files keep their caching.
    "thidua.core.middleware.NoStoreMiddleware",
    "thidua.core.middleware.HtmxLoginRedirectMiddleware",
]

ROOT_URLCONF = "thidua.urls"
WSGI_APPLICATION = "thidua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "thidua.core.context_processors.shell",
            ],
        },
    }
]

DATABASE_URL = os.getenv("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "thidua.sqlite3"),
            "CONN_MAX_AGE": 600,
        }
    }
# Behind PgBouncer in transaction pooling (DEPLOY.md) consecutive transactions of one connection
# may run on different server connections: a server-side cursor (QuerySet.iterator() outside a
# transaction) would be lost between them, so Django reads such results client-side.
DATABASE_POOLER = os.getenv("DATABASE_POOLER", "").strip().lower()
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured(f"DATABASE_POOLER must be empty or 'pgbouncer', got {DATABASE_POOLER!r}")
if DATABASE_POOLER == "pgbouncer":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work beside the writer; IMMEDIATE takes the write lock at BEGIN
        # so a read-then-write transaction never fails on lock upgrade.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; "
            # Deleted rows are overwritten with zeros on every connection, so no freed page or
            # cell keeps an old ballot (docs/ballot-secrecy.md).
            "PRAGMA secure_delete=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # A file, not :memory:, so tests exercise WAL and cross-connection locking for real.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-thidua.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sign-in throttling (thidua.core.throttle): an account is locked for the window after
# LOGIN_THROTTLE_LIMIT wrong passwords; a client address is refused only when its failures span
# LOGIN_THROTTLE_ADDRESS_ACCOUNTS accounts or reach LOGIN_THROTTLE_ADDRESS_LIMIT in all.
LOGIN_THROTTLE_LIMIT = envint("LOGIN_THROTTLE_LIMIT", "5")
LOGIN_THROTTLE_WINDOW_SECONDS = envint("LOGIN_THROTTLE_WINDOW_SECONDS", "900")
LOGIN_THROTTLE_ADDRESS_ACCOUNTS = envint("LOGIN_THROTTLE_ADDRESS_ACCOUNTS", "10")
LOGIN_THROTTLE_ADDRESS_LIMIT = envint("LOGIN_THROTTLE_ADDRESS_LIMIT", "100")
# Reverse proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For names the client.
# Empty: the header is ignored and the client is REMOTE_ADDR (thidua.core.net.client_address).
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES")
# Behind a TLS-terminating reverse proxy (DEPLOY.md) the proxy says the scheme in X-Forwarded-Proto;
# believed only when a trusted proxy is configured (gunicorn listens on loopback, so only it can
# reach the application).
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["thidua.formats"]
# Off: with it Django prints years as "2.026". Amounts are grouped explicitly where shown.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
MEDIA_ROOT = DATA_DIR / "files"
# Static files are served by WhiteNoise straight from the source folders (no collectstatic step).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
IMPORT_MAX_BYTES = 10 * 1024 * 1024
# Size cap of a Word dossier (tờ trình, danh sách .docx) read into a draft proposal (thidua/docimport).
# A danh sách of a few hundred rows is well under 1 MB; 5 MB leaves room for embedded logos and scans.
DOCIMPORT_MAX_BYTES = envint("DOCIMPORT_MAX_BYTES", "5242880")

# Background jobs: queued in the database, run by `manage.py db_worker` (`make run` starts one).
# TASKS_BACKEND=immediate runs each job inside the request instead (no worker; tests use it).
TASKS_BACKEND = os.getenv("TASKS_BACKEND", "database").strip().lower()
if TASKS_BACKEND not in {"database", "immediate"}:
    raise ImproperlyConfigured("TASKS_BACKEND must be 'database' or 'immediate'")
# "Ai đủ điều kiện" evaluates at most this many subjects while its page waits; a larger list is
# built by a background job (the page offers it) and delivered as an Excel file.
BATCH_INLINE_LIMIT = envint("BATCH_INLINE_LIMIT", "3000")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend" if TASKS_BACKEND == "database"
        else "django_tasks.backends.immediate.ImmediateBackend",
    }
}

# A file cache is shared by all web workers, so the sign-in throttle counts every attempt.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.getenv("CACHE_DIR", str(DATA_DIR / "cache")),
    }
}

# Security headers. The CSP forbids inline scripts: behaviour lives in static JS files.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}

# Per-province settings (names, UNCONFIRMED defaults) live in the database; these are
# the installation-wide fallbacks.
DEFAULT_TDKT_BODY_NAME = "Ban Thi đua - Khen thưởng"
DEMO_ADMIN_USERNAME = os.getenv("DEMO_ADMIN_USERNAME", "admin")

# E-mail of the notifications (thidua/notifications). SMTP when EMAIL_HOST is set; otherwise (a
# development machine) the mail is printed on the console. EMAIL_BACKEND overrides both.
EMAIL_HOST = os.getenv("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", "587")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "true")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "false")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "20")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "thidua@localhost")
EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
# The address of the site, for the links in notification mails (e.g. https://thidua.angiang.gov.vn).
SITE_URL = os.getenv("SITE_URL", "")
# How many days ahead `manage.py send_notifications` reminds of a deadline.
NOTIFY_DEADLINE_DAYS = envint("NOTIFY_DEADLINE_DAYS", "7")
# Live conference (issue #18): a QR check-in code on the projector is accepted for this many
# seconds after it first appears (the screen shows a new one every half of it, and after each use).
CONFERENCE_CHECKIN_TOKEN_SECONDS = int(os.environ.get("THIDUA_CONFERENCE_CHECKIN_TOKEN_SECONDS", "60"))
