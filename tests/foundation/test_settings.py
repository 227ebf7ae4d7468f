import os
import subprocess
import sys

import pytest
from django.conf import settings

from supportops import health

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


def _import_settings(module: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL")}
    clean.update(env, DJANGO_SETTINGS_MODULE=module, SUPPORTOPS_VAR_DIR="/tmp/supportops-settings-test")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    result = _import_settings("supportops.settings.production")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = _import_settings("supportops.settings.production", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_embedded_default_is_sqlite_and_filesystem_broker():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
            "DJANGO_SETTINGS_MODULE": "supportops.settings.local",
            "SUPPORTOPS_VAR_DIR": "/tmp/supportops-settings-test",
        },
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://localhost//"], result.stderr


@pytest.mark.django_db
def test_readyz_is_503_when_the_broker_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(health.celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(health.celery_app.conf, "broker_write_url", None)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "ok" and body["checks"]["broker"].startswith("error")


def test_settings_for_tests_use_the_environment():
    assert settings.IS_POSTGRES == bool(os.environ.get("DATABASE_URL", "").startswith("postgres"))
