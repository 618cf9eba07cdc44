"""Settings shared by every machine. What differs between machines is read from the environment."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

# Django's generic classes (ModelForm[Claim], ModelAdmin[Source]) take type arguments at run time, as mypy reads them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# --- Django -----------------------------------------------------------------------------------
# SECRET_KEY and DATABASES are set per machine (local, test, production).
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    # Django's admin with the desk's site: its index is the editors' home page (claims/admin_site.py).
    "claims.admin_apps.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "taggit",
    "django_celery_beat",
    "csp",
    "axes",
    "claims",
    "claims.alerts",
    "claims.matching",
    "claims.intake",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the admin's (and later the public pages') static files from gunicorn, no CDN.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records request.user as the author of every history row.
    "simple_history.middleware.HistoryRequestMiddleware",
    # The Content-Security-Policy header on every answer (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Refuses sign-ins after too many failures (AXES_* below); last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

# --- Signing in: a lockout after repeated failures (django-axes) -------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with permissions read in one query.
    "claims.auth.DeskBackend",
]
# After this many wrong passwords for one account from one address, that address may not sign in to it for a while.
# Per account and address: a stranger cannot lock an editor out from elsewhere.
AXES_FAILURE_LIMIT = env.int("FACTCHECK_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("FACTCHECK_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The answer to a paused sign-in: the admin's page saying why and for how long (429).
AXES_LOCKOUT_CALLABLE = "factcheck.clients.sign_in_paused"
# The caller's address as the API's throttles count it (FACTCHECK_TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "factcheck.clients.client_address"

# --- Content-Security-Policy (django-csp) ------------------------------------------------------
# Every page (public, admin, API docs) loads scripts, styles, fonts and images from this site only, runs no inline
# script and cannot be framed. Style attributes are allowed: the verdict badges take the scale's colours (validated
# #rrggbb) from them; inline <style> elements are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"

# --- Celery -----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Redis re-delivers an unacknowledged message after this long; task time limits stay below it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection before and after every task unless this is set, whatever
# CONN_MAX_AGE says: a new PostgreSQL backend for every check. With it, a connection serves up to this many tasks,
# and factcheck/celery.py closes it sooner when it is broken or older than CONN_MAX_AGE, as Django does per request.
CELERY_DB_REUSE_MAX = 10_000
# One queue per kind of work, so that a long sweep never waits behind a thousand fetches and each kind scales by
# adding workers for its queue (`celery -A factcheck worker -Q checks`). A worker started without -Q consumes them
# all (make run). Routes name the tasks by their module, as beat's rows do (migration 0008_task_names).
# checks: the dispatch and the source checks (fetches); sweeps: the flags sweeps; alerts: deliveries of alerts;
# matching: the multilingual model's work (CPU), similar claims.
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name) for name in ("checks", "sweeps", "alerts", "matching")
]
CELERY_TASK_ROUTES = {
    "claims.sources.tasks.sources_dispatch_task": {"queue": "checks"},
    "claims.sources.tasks.source_check_task": {"queue": "checks"},
    "claims.sources.tasks.source_capture_task": {"queue": "checks"},
    "claims.sources.tasks.evidence_recover_task": {"queue": "checks"},
    # An article's intake fetches a page, as a source check does.
    "claims.intake.tasks.intake_read_task": {"queue": "checks"},
    "claims.intake.tasks.intakes_resume_task": {"queue": "checks"},
    "claims.sources.tasks.flags_sweep_task": {"queue": "sweeps"},
    "claims.sources.tasks.flags_sweep_checked_task": {"queue": "sweeps"},
    "claims.alerts.tasks.events_plan_task": {"queue": "alerts"},
    "claims.alerts.tasks.alerts_due_task": {"queue": "alerts"},
    "claims.alerts.tasks.delivery_send_task": {"queue": "alerts"},
    "claims.alerts.tasks.notice_send_task": {"queue": "alerts"},
    "claims.alerts.tasks.digests_send_task": {"queue": "alerts"},
    "claims.alerts.tasks.endpoint_disabled_mail_task": {"queue": "alerts"},
    "claims.matching.tasks.claim_similar_task": {"queue": "matching"},
    "claims.matching.tasks.embeddings_missing_task": {"queue": "matching"},
    # The home page's daily figures, every hour.
    "claims.tasks.desk_day_record_task": {"queue": "sweeps"},
    # Celery's own daily clean-up, which beat adds by itself (it does nothing here: no results are kept).
    "celery.backend_cleanup": {"queue": "sweeps"},
}
# A task without a route would go to this queue, which is not declared: sending it fails at once instead of leaving
# it on a queue no worker consumes. tests/test_celery_routes.py checks that every task of ours has a route.
CELERY_TASK_DEFAULT_QUEUE = "unrouted"
CELERY_TASK_CREATE_MISSING_QUEUES = False

# --- The claim desk ---------------------------------------------------------------------------
# A claim with no decisive evidence after this long gets the `unproven` flag.
FACTCHECK_UNPROVEN_AFTER = timedelta(hours=env.float("FACTCHECK_UNPROVEN_AFTER_HOURS", default=72))
# Four-eyes: whoever sent a claim to review may not publish it. Small desks may turn this off.
FACTCHECK_FOUR_EYES = env.bool("FACTCHECK_FOUR_EYES", default=True)
# Networks the source fetcher may reach although they are not public (tests: 127.0.0.0/8).
FACTCHECK_FETCH_ALLOW_NETWORKS = env.list("FACTCHECK_FETCH_ALLOW_NETWORKS", default=[])
# Ports the fetcher may use besides 80 and 443 (a few sources publish on 8080 and the like).
FACTCHECK_FETCH_ALLOWED_PORTS = env.list("FACTCHECK_FETCH_ALLOWED_PORTS", cast=int, default=[])
# Redirects followed per fetch; each hop is re-checked, and one more is refused as a likely trap.
FACTCHECK_FETCH_MAX_REDIRECTS = env.int("FACTCHECK_FETCH_MAX_REDIRECTS", default=5)
# Seconds to wait for a server to accept the connection.
FACTCHECK_FETCH_CONNECT_TIMEOUT = env.float("FACTCHECK_FETCH_CONNECT_TIMEOUT", default=5.0)
# Seconds for the whole fetch, redirects and body included, so a server trickling bytes cannot hold a worker.
FACTCHECK_FETCH_TOTAL_TIMEOUT = env.float("FACTCHECK_FETCH_TOTAL_TIMEOUT", default=20.0)
# Cap on the decompressed body in bytes; it also stops compression bombs.
FACTCHECK_FETCH_MAX_BYTES = env.int("FACTCHECK_FETCH_MAX_BYTES", default=5_000_000)
# Sent with every fetch so that site owners can see who is visiting and why.
FACTCHECK_FETCH_USER_AGENT = env.str("FACTCHECK_FETCH_USER_AGENT", default="factcheck/0.1 (claim desk source checker)")

# --- Alerts: mail and webhooks ------------------------------------------------------------------
# Mail as django-environ reads it: smtp://user:password@host:587 (smtp+tls://, smtps://), consolemail:// prints it.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="factcheck <factcheck@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds a mail server has to answer, so that a slow one cannot hold a worker past its lease (below).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Seconds a webhook receiver has to answer, connection included.
FACTCHECK_WEBHOOK_TIMEOUT = env.float("FACTCHECK_WEBHOOK_TIMEOUT", default=5.0)
# A receiver failing every delivery for this long is turned off, and the editor who added it is told.
FACTCHECK_WEBHOOK_FAILING_FOR = timedelta(hours=env.float("FACTCHECK_WEBHOOK_FAILING_FOR_HOURS", default=24))
# After a secret's rotation the old one keeps signing (next to the new) this long, while receivers switch over.
FACTCHECK_WEBHOOK_SECRET_OVERLAP = timedelta(hours=env.float("FACTCHECK_WEBHOOK_SECRET_OVERLAP_HOURS", default=24))
# A failed delivery or mail is tried again after this, doubled at each failure up to the maximum, with jitter.
FACTCHECK_ALERT_RETRY_BASE = timedelta(seconds=env.float("FACTCHECK_ALERT_RETRY_BASE_SECONDS", default=30))
FACTCHECK_ALERT_RETRY_MAX = timedelta(seconds=env.float("FACTCHECK_ALERT_RETRY_MAX_SECONDS", default=3600))
# A delivery a worker took and did not finish within this (it died) is taken again by the next sweep.
FACTCHECK_ALERT_LEASE = timedelta(seconds=env.float("FACTCHECK_ALERT_LEASE_SECONDS", default=60))

# --- Source checks (Celery) -----------------------------------------------------------------------
# How often an alive (or dead, or blocked) source is checked again.
FACTCHECK_CHECK_INTERVAL = timedelta(hours=env.float("FACTCHECK_CHECK_INTERVAL_HOURS", default=24))
# First retry after a failure; each further failure doubles it, up to the check interval.
FACTCHECK_RETRY_BACKOFF = timedelta(minutes=env.float("FACTCHECK_RETRY_BACKOFF_MINUTES", default=60))
# A source is dead after this many consecutive failures spread over at least FACTCHECK_DEAD_AFTER.
FACTCHECK_DEAD_AFTER_FAILURES = env.int("FACTCHECK_DEAD_AFTER_FAILURES", default=3)
FACTCHECK_DEAD_AFTER = timedelta(hours=env.float("FACTCHECK_DEAD_AFTER_HOURS", default=24))
# A check not recorded within this time is taken as lost and dispatched again.
FACTCHECK_CHECK_LEASE = timedelta(seconds=env.float("FACTCHECK_CHECK_LEASE_SECONDS", default=300))
# A source is fetched at most once in this time, however its check is asked for (a re-check, evidence added and
# removed, a lease run out): a site cannot be made to hammer itself through the desk.
FACTCHECK_MIN_RECHECK = timedelta(minutes=env.float("FACTCHECK_MIN_RECHECK_MINUTES", default=10))
# At most this many checks at once per host, and in all.
FACTCHECK_PER_HOST_CONCURRENCY = env.int("FACTCHECK_PER_HOST_CONCURRENCY", default=2)
FACTCHECK_GLOBAL_CONCURRENCY = env.int("FACTCHECK_GLOBAL_CONCURRENCY", default=8)
# Worker processes (prefork, so that the time limits hold): one for every fetch that may run at once, and half as
# many again for the checks recording what they fetched (their slot already went to the next fetch) and the sweeps.
CELERY_WORKER_CONCURRENCY = env.int(
    "CELERY_WORKER_CONCURRENCY", default=FACTCHECK_GLOBAL_CONCURRENCY + max(2, FACTCHECK_GLOBAL_CONCURRENCY // 2)
)
# Seconds between a check and the flags sweep of the claims citing its source; the checks that end meanwhile
# share that sweep. Whole seconds, at least one: the cache keeps keys for whole seconds.
FACTCHECK_SWEEP_DELAY = env.int("FACTCHECK_SWEEP_DELAY_SECONDS", default=2)
if FACTCHECK_SWEEP_DELAY < 1:
    raise ImproperlyConfigured("FACTCHECK_SWEEP_DELAY_SECONDS must be a whole number of seconds, 1 or more.")
# Fingerprint bits (of 64) that must differ for a page's change to count as material.
FACTCHECK_MATERIAL_CHANGE_BITS = env.int("FACTCHECK_MATERIAL_CHANGE_BITS", default=10)

# --- Matching (claims/matching/) ----------------------------------------------------------------
# The model's cosine above which two claims make the same statement, measured with make bench-match on
# tests/data/matching/labelled.json (docs/benchmarks.md): below it, unrelated claims of the same subject start to
# match; above it, the same claim across languages stops matching.
FACTCHECK_MATCH_THRESHOLD = env.float("FACTCHECK_MATCH_THRESHOLD", default=0.90)
# Results of POST /api/v1/match/ and suggestions per claim, at most.
FACTCHECK_MATCH_LIMIT = 10

# --- Web archive (claims/sources/archive.py) --------------------------------------------------------
# The archive asked to capture cited pages and searched for their copies (https://web.archive.org in docker-compose).
# Empty: the desk never asks one, so that the tests, `make run` and machines without internet never reach out.
FACTCHECK_ARCHIVE_URL = env.str("FACTCHECK_ARCHIVE_URL", default="").rstrip("/")
# Save Page Now's S3-style keys (archive.org/account/s3.php), sent as `Authorization: LOW key:secret` when both are set.
FACTCHECK_ARCHIVE_ACCESS_KEY = env.str("FACTCHECK_ARCHIVE_ACCESS_KEY", default="")
FACTCHECK_ARCHIVE_SECRET_KEY = env.str("FACTCHECK_ARCHIVE_SECRET_KEY", default="")
# A page is captured at most once in this time: the desk does not ask again, and the archive is told
# `if_not_archived_within` it.
FACTCHECK_ARCHIVE_CAPTURE_EVERY = timedelta(hours=env.float("FACTCHECK_ARCHIVE_CAPTURE_EVERY_HOURS", default=24))
# Captures asked per minute, by all workers together (through the cache): well below what Save Page Now allows an
# account, so that the desk is never the one it throttles; the captures over it wait for the next minute.
FACTCHECK_ARCHIVE_CAPTURES_PER_MINUTE = env.int("FACTCHECK_ARCHIVE_CAPTURES_PER_MINUTE", default=6)
# Seconds the archive has to answer a capture request or a search for a copy, connection included.
FACTCHECK_ARCHIVE_TIMEOUT = env.float("FACTCHECK_ARCHIVE_TIMEOUT", default=10.0)

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Token first: an API client without credentials gets 401 with `WWW-Authenticate: Token`, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["claims.api.permissions.DeskRole"],
    "DEFAULT_PARSER_CLASSES": ["claims.api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "claims.api.pagination.DeskPagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("FACTCHECK_API_THROTTLE_ANON", default="60/minute"),
        "user": env("FACTCHECK_API_THROTTLE_USER", default="2000/minute"),
        # Asking for a re-check makes the workers fetch someone else's site: keep it modest.
        "recheck": env("FACTCHECK_API_THROTTLE_RECHECK", default="30/minute"),
        # So does asking for an article's intake.
        "intake": env("FACTCHECK_API_THROTTLE_INTAKE", default="30/minute"),
    },
    "EXCEPTION_HANDLER": "claims.api.exceptions.desk_exception_handler",
    # How many proxies in front of the desk append to X-Forwarded-For: the throttles count the address the nearest
    # trusted one saw. 0 here (nothing in front: the header is the caller's own words); production has 1.
    "NUM_PROXIES": env.int("FACTCHECK_TRUSTED_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck claim desk API",
    "DESCRIPTION": "Claims, evidence, cited sources, the workflow and ClaimReview. See README.md, section API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are the desk's, like every endpoint but the public ClaimReview.
    "SERVE_PERMISSIONS": ["claims.api.permissions.DeskRole"],
    # Swagger UI from our own static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "claims.models.ClaimStatus",
        "QuoteStatusEnum": "claims.models.QuoteStatus",
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "claims.api.schema.add_common_error_responses",
    ],
}
# Throttle counters live in the cache: Redis in production (production.py), memory elsewhere.
CACHES: dict[str, dict[str, Any]] = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# For a cache on Redis (production: the API's throttles): a Redis that stops answering, rather than refusing, must
# not hold each API call for the system's TCP timeout; after these seconds the API answers 503.
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
# The public fact-check pages' address, used in ClaimReview `url`.
FACTCHECK_SITE_URL = env("FACTCHECK_SITE_URL", default="http://127.0.0.1:8000")
# The newsroom named as the ClaimReview's author.
FACTCHECK_NEWSROOM_NAME = env("FACTCHECK_NEWSROOM_NAME", default="factcheck")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# History is read in the admin; going back goes through the services, never through a revert button.
SIMPLE_HISTORY_REVERT_DISABLED = True
# A history row's comment is the workflow comment or the note of a published change, kept whole (up to 5,000
# characters), not simple-history's 100.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
