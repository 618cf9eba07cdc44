"""The factcheck project: settings, Celery app and root URLs."""

from factcheck.celery import app as celery_app

__all__ = ("celery_app",)
