"""Django settings for GCM Hub.

Everything that differs between a laptop and a production server comes from
the environment (GCMHUB_*); see docs/deployment.md. Defaults give a working
embedded site: SQLite under ./var/, a generated secret key, no other service.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(os.environ.get("GCMHUB_VAR_DIR", Path.cwd() / "var")).resolve()


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_or_create_secret_key() -> str:
    """Use GCMHUB_SECRET_KEY, or a key generated once and kept in ./var/.

    Keeping the generated key on disk means sessions survive restarts without
    anyone ever committing a key to the repository.
    """
    key = os.environ.get("GCMHUB_SECRET_KEY")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = load_or_create_secret_key()
DEBUG = env_flag("GCMHUB_DEBUG")
# A demo site shows its invented accounts on the login page. `gcmhub demo`
# marks the var/ folder it built; GCMHUB_DEMO=0/1 overrides the marker.
DEMO_MARKER = VAR_DIR / "demo-site"
DEMO_MODE = env_flag("GCMHUB_DEMO", default=DEMO_MARKER.exists())
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("GCMHUB_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("GCMHUB_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "gcmhub.web",
    "gcmhub.geo",
    "gcmhub.framework",
    "gcmhub.actors",
    "gcmhub.indicators",
    "gcmhub.progress",
    "gcmhub.commitments",
    "gcmhub.practices",
    "gcmhub.explorer",
    "gcmhub.reviews",
    "gcmhub.reports",
    "gcmhub.protection",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gcmhub.headers.SitePolicyCSPMiddleware",  # django-csp, the site-wide policy built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After LocaleMiddleware (its refusal is in the page's language), before any view.
    "gcmhub.text.RefuseUnstorableParameters",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gcmhub.pagecache.ApiValidatorsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it inspects the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gcmhub.urls"
WSGI_APPLICATION = "gcmhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gcmhub.web.context_processors.site",
                "gcmhub.pagecache.csrf_placeholder",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("GCMHUB_DATABASE_URL", f"sqlite:///{VAR_DIR / 'gcmhub.sqlite3'}"),
        conn_max_age=int(os.environ.get("GCMHUB_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers carry on while an import writes; a busy timeout makes
    # concurrent writers wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("GCMHUB_SQLITE_TIMEOUT", "20")),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Cached pages and API answers (gcmhub/pagecache.py), shared by every worker
# process: files under var/ by default, Redis in production (docs/deployment.md).
if os.environ.get("GCMHUB_REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["GCMHUB_REDIS_URL"]}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
PAGE_CACHE_ENABLED = env_flag("GCMHUB_PAGE_CACHE", default=True)
# The explorer (docs/explorer.md): answers kept in memory per data version, and
# where the aggregates are rebuilt after an import ("auto", "inline" or "task").
GCMHUB_EXPLORER_MEMO = env_flag("GCMHUB_EXPLORER_MEMO", default=True)
GCMHUB_EXPLORER_REBUILD = os.environ.get("GCMHUB_EXPLORER_REBUILD", "auto")
PAGE_CACHE_SECONDS = int(os.environ.get("GCMHUB_PAGE_CACHE_SECONDS", "3600"))
DATA_VERSION_CACHE_SECONDS = 5  # see gcmhub/dataversion.py

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "actors.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "actors:login"
LOGIN_REDIRECT_URL = "actors:me"
LOGOUT_REDIRECT_URL = "web:home"

# Login throttling: five failures lock the username+address pair for an hour,
# and fifty from one address, whatever the usernames, lock the address
# (password spraying); see gcmhub/actors/lockout.py.
AXES_FAILURE_LIMIT = int(os.environ.get("GCMHUB_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("GCMHUB_LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "gcmhub.actors.lockout.AddressLimitHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "actors/locked_out.html"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LANGUAGE_CODES = [code for code, _name in LANGUAGES]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads above this size are refused before they reach an importer.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# What one imported file may ask of the importer, GCMHUB_IMPORT_MAX_ROWS etc.
# (defaults and meaning in docs/indicators.md, "Import limits").
GCMHUB_IMPORT_LIMITS = {
    name: int(os.environ[f"GCMHUB_IMPORT_{name.upper()}"])
    for name in (
        "max_rows", "max_columns", "max_cells", "max_shared_strings",
        "max_entries", "max_unpacked_bytes", "max_compression_ratio",
    )  # fmt: skip
    if os.environ.get(f"GCMHUB_IMPORT_{name.upper()}")
}
# Days an uploaded file is kept after its import ends, for audit
# (`gcmhub manage cleanup_uploads` deletes older ones; 0 = at once).
GCMHUB_UPLOAD_RETENTION_DAYS = int(os.environ.get("GCMHUB_UPLOAD_RETENTION_DAYS", "30"))
# Files people attach as evidence (commitment updates) and documents they
# upload (practices): stored outside the web root and served only through
# views that check who may read them.
GCMHUB_PRIVATE_FILES_DIR = Path(os.environ.get("GCMHUB_PRIVATE_FILES_DIR", VAR_DIR / "private")).resolve()
GCMHUB_EVIDENCE_MAX_BYTES = int(os.environ.get("GCMHUB_EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))

# E-mail (commitment reminders, `gcmhub commitments remind`): printed to the
# console unless a real backend is configured, e.g.
# GCMHUB_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with Django's EMAIL_HOST settings.
EMAIL_BACKEND = os.environ.get("GCMHUB_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("GCMHUB_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("GCMHUB_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("GCMHUB_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("GCMHUB_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("GCMHUB_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("GCMHUB_EMAIL_FROM", "GCM Hub <noreply@localhost>")
# The address people open the site at, for links in e-mails (no request to take it from).
GCMHUB_SITE_URL = os.environ.get("GCMHUB_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-free meta tag instead.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4): everything comes from this site and
# nothing runs inline, so an injected <script>, on* handler or style cannot
# run. Pages keep their JavaScript and CSS in static files; charts are drawn
# with Vega's CSP-safe expression interpreter (indicators/charts.js). data:
# images are the icons inside the API documentation's stylesheet (Swagger UI).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

if not DEBUG and env_flag("GCMHUB_HTTPS", default=False):
    # Production behind TLS: see docs/deployment.md for `check --deploy`.
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("GCMHUB_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GCMHUB_LOG_LEVEL", "WARNING")},
}

# Where the shared real datasets live in development and CI (tests/real/).
SHARED_DATA_DIR = Path(os.environ.get("GCMHUB_SHARED_DATA", BASE_DIR.parent / "shared" / "data"))
