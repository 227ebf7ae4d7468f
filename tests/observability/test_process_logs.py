"""Every process logs one JSON object per line: a real Celery worker and beat (banners included),
with the task id on the lines written while a task runs; and the web's lines carry the request id."""

import json
import logging

import pytest
from django.test import override_settings

from observability.logging import ContextFilter, JsonFormatter
from observability.masking import mask_path
from observability.models import SweepRun
from tests.workers.test_integration import wait_for


def json_lines(log: str) -> list[dict]:
    lines = []
    for line in log.splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"not a JSON line: {line!r}") from None
    return lines


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_worker_and_beat_write_json_lines_with_task_ids(stack):
    stack.worker()
    stack.beat()

    wait_for(lambda: SweepRun.objects.filter(name="sla_sweep").exists(), what="a recorded SLA sweep")
    wait_for(lambda: '"task_name": "inquiries.tasks.sla_sweep"' in stack.log("w1"), what="a task line")
    stack.kill("w1", 15)  # the warm-shutdown notice is printed from a signal handler: JSON too
    stack.kill("beat", 15)

    worker = json_lines(stack.log("w1"))
    beat = json_lines(stack.log("beat"))
    assert any(line["message"].startswith("celery worker") and line["queues"] for line in worker)
    assert any(line["message"] == "celery beat starting" for line in beat)
    assert any("Sending due task sla-sweep" in line["message"] for line in beat)
    done = [
        line
        for line in worker
        if line.get("task_name") == "inquiries.tasks.sla_sweep" and "succeeded" in line["message"]
    ]
    assert done and all(line["task_id"] in line["message"] for line in done)
    assert any("Warm shutdown" in line["message"] for line in worker)


def test_a_path_with_quotes_and_backslashes_is_one_valid_json_line():
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "GET %s", ('/a\\b"c\n',), None)
    ContextFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line)["message"] == 'GET /a\\b"c\n'


def test_tokens_in_paths_are_masked():
    assert mask_path("/track/Zx9-secret/reply/") == "/track/***/reply/"
    assert mask_path("/calendar/abc123.ics") == "/calendar/***.ics"
    assert mask_path("/calendar/feeds/add/") == "/calendar/feeds/add/"
    assert mask_path("/hooks/hook-secret/") == "/hooks/***/"
    assert mask_path("/api/v1/inquiries/ADS-1/") == "/api/v1/inquiries/ADS-1/"


@pytest.mark.django_db
def test_a_request_gets_an_id_and_returns_it(client):
    first = client.get("/healthz")
    second = client.get("/healthz")
    assert len(first["X-Request-ID"]) >= 16
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_a_sane_incoming_request_id_is_kept_an_insane_one_replaced(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234abcd").get("X-Request-ID") == "lb-1234abcd"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x" , "level": "ERROR').get("X-Request-ID")
    assert forged != 'x" , "level": "ERROR' and '"' not in forged
    assert client.get("/healthz", HTTP_X_REQUEST_ID="a" * 500)["X-Request-ID"] != "a" * 500


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_the_apps_log_lines_carry_the_request_id_and_mask_tokens(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/track/secret-tracking-token/", HTTP_X_REQUEST_ID="req-abcdef12")
    assert response.status_code == 404
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    record = records[-1]
    ContextFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-abcdef12"
    assert "secret-tracking-token" not in json.dumps(line)


def test_the_access_line_carries_the_answers_request_id_and_a_masked_path():
    """gunicorn's access line as deploy/gunicorn.conf.py configures it (the context filter passes it as
    JsonAccessLogger made it)."""
    import datetime as dt
    import io

    from django.conf import settings
    from django.utils.log import configure_logging
    from gunicorn.config import Config

    from observability.gunicorn import JsonAccessLogger
    from observability.logging import json_logging_config

    config = Config()
    config.set("logconfig_dict", json_logging_config("INFO"))
    config.set("errorlog", "-")
    try:
        access = JsonAccessLogger(config)  # configures logging as gunicorn's master does
        stream = io.StringIO()
        for handler in access.access_log.handlers:
            handler.setStream(stream)
        response = type(
            "Response", (), {"status": "201 Created", "sent": 80, "headers": [("X-Request-ID", "r" * 32)]}
        )
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/track/Zx9-secret/", "REMOTE_ADDR": "203.0.113.9"}
        access.access(response, None, environ, dt.timedelta(milliseconds=12))
    finally:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)  # the tests' logging again
    line = json.loads(stream.getvalue())
    assert line["logger"] == "gunicorn.access" and line["message"] == "POST /track/***/ 201"
    assert (line["request_id"], line["path"], line["status"], line["remote"]) == (
        "r" * 32,
        "/track/***/",
        201,
        "203.0.113.9",
    )
    assert "task_id" not in line
