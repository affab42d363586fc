"""Settings for partnership, read from the environment.

Defaults are safe for development: DEBUG on, a SQLite file in the repo and a
throwaway secret key. Production (DEBUG off) refuses to start without a real
SECRET_KEY and ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from partnership.env import behind_tls_proxy, env_bool, env_list, web_concurrency

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "partnership",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "partnership.middleware.guard_query",
    "partnership.middleware.flags_read_once",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Editors' trail: who changed a record, and old URLs of merged records.
    "simple_history.middleware.HistoryRequestMiddleware",
    "partnership.middleware.MergedRecordRedirectMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a lockout into a 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partnership.urls"
WSGI_APPLICATION = "partnership.wsgi.application"

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
            ],
        },
    },
]

# DATABASE_URL selects the database; the default is a SQLite file in the repo
# so the quick start needs no services (docs/decisions/0001-sqlite-and-postgresql.md).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Ten minutes: a connection keeps the statements it has prepared (below), and a new one
        # plans each record page's queries again (2-17 ms a page), for its first few renders.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT spends 100-200 ms compiling the plan of any query it prices high (a facet
    # over many links): worth it for hour-long reports, never for a page's queries. Nor parallel
    # workers: starting two for a page's query (an area's latest meetings) cost more than they
    # saved, and under load every core already serves a request. Nor scans that start where the
    # last one stopped: search ranks the first 200 matches a scan meets, and a scan of a large
    # table resumed mid-table showed different hits for the same word on every search.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("options", "-c jit=off -c max_parallel_workers_per_gather=0 -c synchronize_seqscans=off")
    # Parameters bound by the server and statements prepared after their fifth run on a connection:
    # a record page's queries plan the public rule's nested EXISTS (3-13 ms each, more than they
    # take to run); prepared, PostgreSQL plans each once per worker. Django leaves both off unless asked.
    options.setdefault("server_side_binding", env_bool("DATABASE_PREPARED", True))
    options.setdefault("prepare_threshold", 5 if options["server_side_binding"] else None)

# One cache every worker shares in production: a save must invalidate every worker's pages
# and the API throttle must keep one budget (docs/decisions/0013-shared-cache-and-login-lockout.md).
# Redis when REDIS_URL is set; otherwise the database (its table is made by migrate); local
# memory per process only in development, or with a single worker.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_BACKENDS = {
    "redis": {"BACKEND": "partnership.redis_cache.RedisCache", "LOCATION": REDIS_URL},
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "partnership_cache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "partnership"},
}
CACHE = os.environ.get("CACHE", "redis" if REDIS_URL else "locmem" if DEBUG else "database")
if CACHE not in CACHE_BACKENDS or (CACHE == "redis" and not REDIS_URL):
    raise ImproperlyConfigured(f"CACHE is one of {', '.join(CACHE_BACKENDS)} (redis needs REDIS_URL), not {CACHE!r}.")
if CACHE == "locmem" and not DEBUG and web_concurrency() > 1:
    raise ImproperlyConfigured(
        f"CACHE=locmem with {web_concurrency()} workers: a save would invalidate one worker's cache only. "
        "Set REDIS_URL, use CACHE=database, or WEB_CONCURRENCY=1."
    )
CACHES = {"default": CACHE_BACKENDS[CACHE]}
CACHE_TIMEOUT = int(os.environ.get("CACHE_TIMEOUT", "300"))
# Whole public pages for anonymous visitors (partnership.cache.cached_page); counts and facets are cached regardless.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
# Record pages are checked against the versions of the records they show on every hit
# (partnership.versions), so they may be kept longer than pages cached by generation.
RECORD_PAGE_TIMEOUT = int(os.environ.get("RECORD_PAGE_TIMEOUT", "86400"))

# The benchmark's ceiling view at /bench/baseline/; off unless asked for.
BENCH_BASELINE = env_bool("BENCH_BASELINE", False)

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username before the password is even checked.
    "partnership.auth.ThrottledLoginBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
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

SITE_NAME = "ASEAN–UN Partnership"

# How many reverse proxies in front of the app append to X-Forwarded-For (1 behind one nginx).
# The client address, for the login lockout and the API throttle, is the one the outermost of
# them saw; with 0 it is the socket's, and the client's own header is ignored, so nobody can
# dodge a limit by inventing addresses. Set it only if the app cannot be reached around the proxy.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", os.environ.get("API_NUM_PROXIES", "0")))

# The read-only API (docs/decisions/0006-api-and-exports.md). Throttle rates are
# "<number>/<second|minute|hour|day>", read from the environment.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "partnership.api.plumbing.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["partnership.api.plumbing.AnonThrottle", "partnership.api.plumbing.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "120/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "600/minute"),
    },
    # The client address rule, shared with the login lockout (NUM_PROXIES above).
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "partnership.api.plumbing.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ASEAN–UN Partnership API",
    "DESCRIPTION": "Read-only records of the ASEAN–UN partnership, each linked to the press release it came from.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"DatePrecisionEnum": "partnership.dates.DatePrecision"},
    # Swagger UI served from our own static files (no CDN, no inline script: a CSP is coming).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A public, read-only API: no security schemes, so the docs show no "Authorize" button and no padlocks.
    "AUTHENTICATION_WHITELIST": [],
    "SECURITY": [],
}

# --- Production hardening (docs/decisions/0007-production-and-drills.md) ---
# Every switch defaults to "on" when DEBUG is off and "off" in development, and each can be
# overridden from the environment. `manage.py check --deploy --fail-level WARNING` passes
# with the production defaults (CI runs it).

# Behind a TLS-terminating proxy, opt in to trusting its X-Forwarded-Proto header; never
# trust it by default, or any client could claim to be on HTTPS.
if behind_tls_proxy():
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Sessions read from the shared cache, written through to the database: a signed-in editor's
# request reads no session row, and a flushed cache loses no one's sign-in.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): only our own scripts, styles and images, no
# inline code anywhere (the Django admin ships its scripts as static files, so it works
# under this policy too; tests/test_security.py checks both).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Admin login throttling (django-axes; partnership/auth.py). Wrong passwords lock the username
# they were tried on; an address is locked only at its own, higher limit, so one mistyped
# password cannot lock every editor behind an office's address. A successful login clears that
# username's failures only, never the address's or another username's.
AXES_HANDLER = "partnership.auth.LockoutHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "50"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "partnership.auth.client_ip"
# The security log names the username and address of each failure and lockout (never a password).
AXES_SENSITIVE_PARAMETERS = []

# Errors with their traceback, and security events (lockouts, refused permissions, CSRF
# failures), as JSON lines on stderr, which gunicorn's process manager collects (README,
# "Operations"). Django's own console handlers stay as they are for runserver.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "partnership.logs.JsonFormatter"}},
    "filters": {"not_404": {"()": "partnership.logs.SkipNotFound"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "json"},
        "requests": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json",
            "filters": ["not_404"],
        },
    },
    "loggers": {
        "django.request": {"handlers": ["requests"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "partnership": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}

# The licence of the data (records, links and provenance) shown on /about/ and in citations; the
# press releases themselves stay under their publishers' terms.
DATA_LICENCE_NAME = os.environ.get("DATA_LICENCE_NAME", "CC BY 4.0")
DATA_LICENCE_URL = os.environ.get("DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/")
