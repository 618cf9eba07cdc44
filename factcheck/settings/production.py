"""Production: everything from the environment, HTTPS behind a TLS-terminating proxy."""

from .base import *  # noqa: F403
from .base import REDIS_CACHE_OPTIONS, REDIS_URL, REST_FRAMEWORK, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
# The public site's address: ClaimReview `url` and the Atom feed's links point there.
FACTCHECK_SITE_URL = env("FACTCHECK_SITE_URL")
# Alerts go out by SMTP: smtp+tls://user:password@mail.example.org:587 (no default, so none is silently lost).
vars().update(env.email_url("EMAIL_URL"))

# One proxy in front terminates TLS, says so in this header and appends the caller's address to X-Forwarded-For:
# the API's throttles count that address (FACTCHECK_TRUSTED_PROXIES: set it to the number of proxies in front).
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": env.int("FACTCHECK_TRUSTED_PROXIES", default=1)}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Hashed, compressed static files, collected at image build time and served by WhiteNoise.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Throttle counters shared by every gunicorn worker.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": REDIS_CACHE_OPTIONS,
    }
}
