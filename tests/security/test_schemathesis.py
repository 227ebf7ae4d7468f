"""Property-based requests generated from the OpenAPI schema (schemathesis) against a live server, as a
signed-in manager: whatever it sends, the API never answers with a server error (5xx)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from security.tokens import token_issue
from tests.factories import inquiry_through_intake

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_schemathesis_finds_no_server_error(live_server, manager, primary, on_shift, open_team, tmp_path):
    inquiry_through_intake(open_team, subject="Kernel dies")
    token = token_issue(user=manager.user).key
    cli = Path(sys.executable).with_name("schemathesis")
    result = subprocess.run(
        [
            str(cli),
            "run",
            f"{live_server.url}/api/v1/schema/",
            "--checks",
            "not_a_server_error",
            "--header",
            f"Authorization: Token {token}",
            "--max-examples",
            "6",
            "--generation-deterministic",
            "--phases",
            "examples,fuzzing",
            "--request-timeout",
            "20",
            "--workers",
            "2",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
