"""Zero-setup local run (`make run`): SQLite, DEBUG, and an embedded broker when no REDIS_URL is set."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, CELERY_BROKER_TRANSPORT_OPTIONS, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-not-secret")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker's processes and beat write to one file at once. A transaction that has read and
    # then writes while another holds the write lock fails at once with "database is locked", whatever the busy
    # timeout: IMMEDIATE takes the write lock when the transaction begins, where the busy timeout (seconds, well
    # within the tasks' time limits) is waited. WAL lets readers go on while one writes; NORMAL is safe with WAL.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        # Options given in DATABASE_URL win.
        **DATABASES["default"].get("OPTIONS", {}),
    }

if "REDIS_URL" not in os.environ:
    # No Redis on this machine: a real worker and beat talk through kombu's filesystem transport.
    BROKER_DIR = VAR_DIR / "broker"
    for folder in ("queue", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Not read by this transport, but the tasks' retry delays are bounded by it (claims/sources/tasks.py).
        "visibility_timeout": CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"],
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }

# Static files straight from the apps: no collectstatic on this machine.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
