"""Secrets that travel in URLs (tracking pages, calendar feeds, inbound hooks) never reach a log line."""

import re

_TOKEN_PATHS = [
    (re.compile(r"(/track/)[^/?#]+"), r"\1***"),
    (re.compile(r"(/calendar/)(?!feeds/)[^/?#]+?(\.ics)"), r"\1***\2"),
    (re.compile(r"(/hooks/)[^/?#]+"), r"\1***"),
]


# Each pattern needs one of these in the path: a path without any is returned as it is (every access line
# masks its path; most paths carry no token).
_MARKERS = ("/track/", "/calendar/", "/hooks/")


def mask_path(path: str) -> str:
    if not any(marker in path for marker in _MARKERS):
        return path
    for pattern, replacement in _TOKEN_PATHS:
        path = pattern.sub(replacement, path)
    return path
