"""Secrets that travel in URLs (tracking pages, calendar feeds, inbound hooks) never reach a log line."""

import re

_TOKEN_PATHS = [
    (re.compile(r"(/track/)[^/?#]+"), r"\1***"),
    (re.compile(r"(/calendar/)(?!feeds/)[^/?#]+?(\.ics)"), r"\1***\2"),
    (re.compile(r"(/hooks/)[^/?#]+"), r"\1***"),
]


def mask_path(path: str) -> str:
    for pattern, replacement in _TOKEN_PATHS:
        path = pattern.sub(replacement, path)
    return path
