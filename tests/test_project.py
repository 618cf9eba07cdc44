"""Project-wide guarantees: migrations match the models, production settings pass Django's deploy checks."""

import os
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_migrations_match_the_models():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_production_settings_pass_the_deploy_checks():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "factcheck.example.org",
        "FACTCHECK_SITE_URL": "https://factcheck.example.org",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "factcheck.settings.production",
        "DJANGO_ALLOWED_HOSTS": "x",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_compose_runs_web_worker_and_beat_from_one_django_block():
    """They differ only in their command (and the web port)."""
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    django_services = {name: s for name, s in services.items() if s.get("build") == "."}
    assert set(django_services) == {"web", "worker", "beat"}
    without_command = [{k: v for k, v in s.items() if k not in ("command", "ports")} for s in django_services.values()]
    assert all(s == without_command[0] for s in without_command)
    assert "gunicorn factcheck.wsgi" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A factcheck worker")
    assert services["beat"]["command"].startswith("celery -A factcheck beat")
    assert without_command[0]["environment"]["REDIS_URL"] == "redis://redis:6379/0"


@pytest.mark.django_db
def test_a_task_run_in_the_callers_process_leaves_the_callers_transaction_open():
    """The worker closes old database connections around each task; a task run eagerly must not close the caller's."""
    from claims.models import Source
    from claims.sources.tasks import flags_sweep_checked_task

    source = Source.objects.create(url="https://example.org/a", host="example.org", sweep_pending=True)
    flags_sweep_checked_task.apply()
    source.refresh_from_db()  # still in the test's transaction, which the task's sweep took part in
    assert not source.sweep_pending
