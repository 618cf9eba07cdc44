"""The Celery app of the claim desk, configured from Django settings (CELERY_* names)."""
import os

from celery import Celery

# Like wsgi.py: what runs in production defaults to the production settings (make run and the tests say local/test).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.production")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
