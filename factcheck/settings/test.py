"""The test suite: PostgreSQL and Redis on the standard local ports unless DATABASE_URL / REDIS_URL say otherwise."""

from .base import *  # noqa: F403
from .base import REDIS_CACHE_OPTIONS, env

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/factcheck")}
# Benchmarks set it as production does (60), so that a worker keeps its connection between tasks.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)

# Memory by default, each process its own. The worker tests that run as production does share a Redis cache between
# their workers' processes (the sweep after checks is asked for once through it): DJANGO_CACHE_URL=redis://….
CACHES = {"default": env.cache_url_config(env.str("DJANGO_CACHE_URL", default="") or "locmemcache://")}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Django's own client, as in production, even where django-redis happens to be installed.
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
    CACHES["default"]["OPTIONS"] = REDIS_CACHE_OPTIONS

# Mail kept in memory (django.core.mail.outbox) unless a test sends it to its own SMTP server on loopback.
vars().update(env.email_url("EMAIL_URL", default="memorymail://"))

# Fast hashing: the suite creates many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The fetcher may reach the tests' own HTTP servers on loopback, and nothing wider.
FACTCHECK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]

# Static files straight from the apps: no collectstatic on this machine.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
