"""The request id of the request being served, for log lines (a context variable: one per thread)."""

import re
import uuid
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# An incoming X-Request-ID (from nginx or a caller) is kept only if it is short and plain, so it can
# neither forge log fields nor grow a line without bound.
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def request_id_from(header: str | None) -> str:
    if header and _SANE_ID.match(header):
        return header
    return uuid.uuid4().hex
