"""A client generated from the live schema by openapi-python-client imports cleanly (every module)
and works against a live server: sign in for a token, list teams, create an inquiry, page through a
list, and read errors in the documented shape."""

import importlib
import json
import pkgutil
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from inquiries.models import Inquiry
from tests.factories import make_inquiry

BIN = Path(sys.executable).parent
PACKAGE = "supportops_generated_client"


@pytest.fixture
def generated_client(live_server, tmp_path):
    with urllib.request.urlopen(f"{live_server.url}/api/v1/schema/?format=json", timeout=10) as response:
        (tmp_path / "schema.json").write_bytes(response.read())
    (tmp_path / "config.yml").write_text(
        f"project_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\npost_hooks: []\n"
    )
    generator = shutil.which("openapi-python-client", path=str(BIN)) or "openapi-python-client"
    result = subprocess.run(
        [
            generator,
            "generate",
            "--path",
            str(tmp_path / "schema.json"),
            "--output-path",
            str(tmp_path / "out" / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(tmp_path / "config.yml"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The generator warns about every endpoint it could not generate: there must be none.
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        package = importlib.import_module(PACKAGE)
        modules = [
            importlib.import_module(info.name)
            for info in pkgutil.walk_packages(package.__path__, PACKAGE + ".")
        ]
        yield package, modules
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in [name for name in sys.modules if name.startswith(PACKAGE)]:
            del sys.modules[name]


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_lists_teams_creates_an_inquiry_and_pages_through_a_list(
    generated_client, live_server, team, other_team, manager, outsider
):
    package, modules = generated_client
    assert len(modules) > 100  # every endpoint module and model imported
    api = importlib.import_module(f"{PACKAGE}.api")
    models = importlib.import_module(f"{PACKAGE}.models")
    from importlib import import_module

    teams_list = import_module(f"{PACKAGE}.api.teams.teams_list")
    inquiries_create = import_module(f"{PACKAGE}.api.inquiries.inquiries_create")
    inquiries_list = import_module(f"{PACKAGE}.api.inquiries.inquiries_list")
    inquiries_retrieve = import_module(f"{PACKAGE}.api.inquiries.inquiries_retrieve")
    assert api is not None

    # The token is fetched by hand: the login endpoint's shape belongs to the security work, not here.
    login = urllib.request.Request(
        f"{live_server.url}/api/v1/auth/token/",
        data=json.dumps({"username": "maria", "password": "pw-maria"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(login, timeout=10) as response:
        key = json.load(response)["token"]
    client = package.AuthenticatedClient(
        base_url=live_server.url, token=key, prefix="Token", raise_on_unexpected_status=True
    )

    teams = teams_list.sync(client=client)
    assert [t.slug for t in teams.results] == ["ads"] and teams.count == 1

    created = inquiries_create.sync(
        client=client,
        body=models.InquiryCreateRequest(
            team="ads",
            subject="Notebook kernel dies",
            body="On import of torch.",
            requester_name="Lea Learner",
            requester_email="lea@example.net",
            priority=models.InquiryPriorityEnum.HIGH,
        ),
    )
    assert created.reference.startswith("ADS-")
    assert created.status == models.InquiryStatusEnum.NEW
    assert Inquiry.objects.get(reference=created.reference).subject == "Notebook kernel dies"

    for number in range(4):
        inquiries_create.sync(
            client=client,
            body=models.InquiryCreateRequest(
                team="ads",
                subject=f"Question {number}",
                body="…",
                requester_name="Lea Learner",
                requester_email="lea@example.net",
            ),
        )
    seen, page = [], 1
    while True:
        result = inquiries_list.sync(client=client, team="ads", page=page, page_size=2)
        assert result.count == 5
        seen += [row.reference for row in result.results]
        if not result.next_:
            break
        page += 1
    assert page == 3
    assert sorted(seen) == sorted(Inquiry.objects.filter(team=team).values_list("reference", flat=True))

    # Another team's inquiry: 404 in the documented error shape; without a token: 401.
    theirs = make_inquiry(other_team, outsider)
    missing = inquiries_retrieve.sync_detailed(client=client, reference=theirs.reference)
    assert missing.status_code == 404
    assert isinstance(missing.parsed, models.Error) and missing.parsed.detail
    with package.Client(base_url=live_server.url) as nobody:
        unauthenticated = teams_list.sync_detailed(client=nobody)
    assert unauthenticated.status_code == 401
    assert isinstance(unauthenticated.parsed, models.Error)
    assert json.loads(unauthenticated.content)["detail"]
    client.get_httpx_client().close()
