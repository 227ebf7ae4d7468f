"""Gunicorn settings shared by docker-compose, the Dockerfile and the integration tests:
`gunicorn supportops.wsgi:application --config deploy/gunicorn.conf.py`.

- Logs: one JSON line per record on stdout for gunicorn's error log, the access log (with the request
  id) and the app, all through `observability.logging` (LOG_LEVEL).
- Metrics: prometheus_client's multiprocess mode, so /metrics adds up every worker. The directory is
  PROMETHEUS_MULTIPROC_DIR if set (emptied at start), else a private one removed at exit."""

import logging
import os
import tempfile

from observability.gunicorn import mark_worker_dead, prepare_multiprocess_dir, remove_multiprocess_dir
from observability.logging import json_logging_config

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("WEB_THREADS", "2"))
timeout = 30
graceful_timeout = 20

# Set before any worker imports prometheus_client (it reads the variable at import).
_own_metrics_dir = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="supportops-metrics-")
metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]

logger_class = "observability.gunicorn.JsonAccessLogger"
logconfig_dict = json_logging_config(os.environ.get("LOG_LEVEL", "INFO"))
# No plain-text handlers of gunicorn's own: logconfig_dict's JSON handlers take both logs.
accesslog = None
errorlog = "-"
# The JSON lines carry no file, line, function or thread of the call that logged (observability.logging's
# FORMAT): each record skips looking them up (the stack walk was a fifth of an access line's cost; the
# logging module's documented switches, set here in the master, inherited by the workers).
logging._srcfile = None
logging.logThreads = False
logging.logMultiprocessing = False


def on_starting(server):
    prepare_multiprocess_dir(metrics_dir)


def child_exit(server, worker):
    mark_worker_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        remove_multiprocess_dir(metrics_dir)
