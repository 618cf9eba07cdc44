"""Project-wide guarantees: migrations match the models, production settings pass Django's deploy checks."""

import importlib
import os
import secrets
import shlex
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

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
        "EMAIL_URL": "smtp+tls://desk:secret@127.0.0.1:587",
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


def compose_services() -> dict[str, dict[str, Any]]:
    """docker-compose.yml's services, with the `x-django` block merged into those that use it (YAML merge keys)."""
    import yaml

    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_compose_runs_every_django_service_from_one_block_that_differs_only_in_its_command():
    services = compose_services()
    django_services = {name: s for name, s in services.items() if s.get("build") == "."}
    assert set(django_services) == {
        "migrate",
        "web",
        "worker-checks",
        "worker-sweeps",
        "worker-alerts",
        "worker-matching",
        "beat",
    }
    # The web port aside; the one-shot migrate also waits for the database alone and is not restarted.
    shared = [{k: v for k, v in s.items() if k not in ("command", "ports")} for s in django_services.values()]
    migrate = shared.pop(list(django_services).index("migrate"))
    assert all(s == shared[0] for s in shared)
    assert {k: v for k, v in migrate.items() if k not in ("depends_on", "restart")} == {
        k: v for k, v in shared[0].items() if k not in ("depends_on", "restart")
    }
    assert shared[0]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert shared[0]["environment"]["DJANGO_SETTINGS_MODULE"] == "factcheck.settings.production"


def test_compose_migrates_once_before_web_workers_and_beat_start():
    services = compose_services()
    assert services["migrate"]["command"] == "python manage.py migrate --no-input"
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("web", "worker-checks", "worker-sweeps", "worker-alerts", "worker-matching", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
        assert "migrate" not in services[name]["command"], name
    assert services["web"]["command"].startswith("gunicorn factcheck.wsgi ")


def test_compose_runs_one_worker_per_declared_queue_and_one_beat():
    from django.conf import settings

    commands = {name: shlex.split(s["command"]) for name, s in compose_services().items() if "command" in s}
    consumed = {}
    for name, command in commands.items():
        if command[:4] == ["celery", "-A", "factcheck", "worker"]:
            consumed[name] = command[command.index("-Q") + 1]
    assert consumed == {f"worker-{queue.name}": queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert [name for name, command in commands.items() if "beat" in command] == ["beat"]


def test_compose_passes_the_fetch_limits_with_the_settings_defaults(monkeypatch: pytest.MonkeyPatch):
    """Every service gets the same limits (the dispatch reads them in every checks worker); unset, the settings'."""
    from factcheck.settings import base

    environment = compose_services()["web"]["environment"]
    for name in ("FACTCHECK_GLOBAL_CONCURRENCY", "FACTCHECK_PER_HOST_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
        assert environment[name] == f"${{{name}:-{importlib.reload(base).__dict__[name]}}}"


@pytest.mark.django_db
def test_a_task_run_in_the_callers_process_leaves_the_callers_transaction_open():
    """The worker closes old database connections around each task; a task run eagerly must not close the caller's."""
    from claims.models import Source
    from claims.sources.tasks import flags_sweep_checked_task

    source = Source.objects.create(url="https://example.org/a", host="example.org", sweep_pending=True)
    flags_sweep_checked_task.apply()
    source.refresh_from_db()  # still in the test's transaction, which the task's sweep took part in
    assert not source.sweep_pending
