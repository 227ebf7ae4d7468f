"""Gunicorn's access log as JSON records (one per request, with the request id the app returned),
and the hooks that keep multiprocess metrics right across worker restarts (deploy/gunicorn.conf.py)."""

import logging
import os
import shutil
import traceback

from gunicorn.glogging import Logger

from .masking import mask_path


class JsonAccessLogger(Logger):
    """Access lines as structured fields, not a hand-made JSON template: a path with a quote or a
    backslash stays valid JSON, tokens in paths are masked, the query string (tokens, emails) is left
    out, and the line carries the request's X-Request-ID."""

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        try:
            headers = dict((name.lower(), value) for name, value in (resp.headers or []))
            status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
            path = mask_path(environ.get("PATH_INFO", ""))
            self.access_log.info(
                "%s %s %s",
                environ.get("REQUEST_METHOD"),
                path,
                status,
                extra={
                    "method": environ.get("REQUEST_METHOD"),
                    "path": path,
                    "status": int(status),
                    "bytes": getattr(resp, "sent", None),
                    "duration_ms": round(request_time.total_seconds() * 1000, 3),
                    "remote": environ.get("REMOTE_ADDR", "-"),
                    "user_agent": environ.get("HTTP_USER_AGENT", ""),
                    "request_id": headers.get("x-request-id", ""),
                },
            )
        except Exception:  # noqa: BLE001 - a log line must never break a response
            self.error(traceback.format_exc())


def prepare_multiprocess_dir(path: str) -> None:
    """Start empty: files of a previous run's workers would otherwise be summed into this run's."""
    if os.path.isdir(path):
        for entry in os.listdir(path):
            if entry.endswith(".db"):
                os.unlink(os.path.join(path, entry))
    else:
        os.makedirs(path, exist_ok=True)


def remove_multiprocess_dir(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)


def mark_worker_dead(pid: int) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)
    logging.getLogger("gunicorn.error").debug("metrics of worker %s marked dead", pid)
