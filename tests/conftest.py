"""Shared fixtures: personas (a Primary, a teammate, a manager, an outsider, an anonymous learner) and
the rule that tests needing real services are skipped on a bare machine but never in CI."""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from tests.factories import make_member, make_team, make_user

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# CI must not pass or fail by the luck of a random seed: same examples every run there; locally hypothesis
# keeps exploring (and remembers failures in .hypothesis/).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if IN_CI:
    hypothesis_settings.load_profile("ci")
    # Hypothesis also draws constants it collects from the project's modules already imported, so a
    # derandomized test's examples depended on which other tests had run in the same xdist worker
    # (test_a_late_joiner_takes_over_only_about_their_share drew a case in CI's full run that no run of
    # tests/shifts alone draws). In CI that pool stays empty: the same examples whatever ran before.
    from hypothesis.internal.conjecture import providers as _hypothesis_providers

    _hypothesis_providers._get_local_constants = lambda: _hypothesis_providers._local_constants
CHROMIUM = "/usr/bin/chromium"


def _port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


def _missing_service(item: pytest.Item) -> str | None:
    markers = {m.name for m in item.iter_markers()}
    needs_pg = markers & {"postgres", "celery"}
    needs_redis = markers & {"redis", "celery"}
    if needs_pg and not settings.IS_POSTGRES:
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if needs_redis and not (settings.REDIS_URL and _port_open(settings.REDIS_URL, 6379)):
        return "needs Redis: set REDIS_URL=redis://... to a running server"
    if "browser" in markers and not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return "needs Debian's chromium (apt-get install chromium)"
    if "prometheus" in markers and not (shutil.which("prometheus") and shutil.which("promtool")):
        return "needs Debian's prometheus (apt-get install prometheus)"
    return None


# `make test` runs the suite in two passes: `-m "not serial"` on two xdist workers (each with its own test
# database), then `-m serial` in one process. Serial: tests that start real processes or share a fixed
# resource (one Redis database, Celery workers, Chromium, Prometheus, IMAP servers) and benchmarks, whose
# ratios would measure the other worker's load.
SERIAL_MARKERS = {"celery", "redis", "browser", "prometheus", "benchmark"}
SERIAL_PATHS = ("tests/email_channel/", "tests/integrations/test_alertmanager_live.py")


def _is_serial(item: pytest.Item, root: str) -> bool:
    markers = {m.name for m in item.iter_markers()}
    return bool(markers & SERIAL_MARKERS) or str(item.path).removeprefix(root).startswith(SERIAL_PATHS)


# tryfirst: the `serial` marker must be on the items before `-m` selects by it.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = str(config.rootpath) + "/"
    for item in items:
        if _is_serial(item, root):
            item.add_marker(pytest.mark.serial)
        reason = _missing_service(item)
        if reason is None:
            continue
        if IN_CI:
            # In CI a missing service is a broken build, not a skipped test.
            item.add_marker(pytest.mark.xfail(reason=f"CI without service: {reason}", run=False, strict=True))
            item.add_marker(pytest.mark.usefixtures("_fail_missing_service"))
        else:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def _fail_missing_service(request: pytest.FixtureRequest) -> None:
    pytest.fail(_missing_service(request.node) or "service missing")


@pytest.fixture(autouse=True)
def _clean_cache():
    """Throttle counters live in the cache: no test inherits another's submissions."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def team(db):
    return make_team(slug="ads", name="Applied Data Science")


@pytest.fixture
def other_team(db):
    return make_team(slug="bio", name="Bioinformatics Tools", reference_prefix="BIO")


@pytest.fixture
def manager(team):
    return make_member(team, "maria", role="manager", percent_time=80)


@pytest.fixture
def primary(team):
    return make_member(team, "pat", percent_time=100)


@pytest.fixture
def teammate(team):
    return make_member(team, "tom", percent_time=50)


@pytest.fixture
def outsider(other_team):
    return make_member(other_team, "olga", role="manager", percent_time=100)


@pytest.fixture
def superuser(db):
    return make_user("root", is_superuser=True, is_staff=True)


@pytest.fixture
def api():
    """An API client; call api.force_authenticate(user=...) or use as_member."""
    return APIClient()


@pytest.fixture
def as_member(api):
    def login(member_or_user):
        user = getattr(member_or_user, "user", member_or_user)
        api.force_authenticate(user=user)
        return api

    return login


# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the test body
# are still synchronous, so the async-safety guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser context on the live server; `page.base_url` is the server's address."""
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.base_url = live_server.url
    yield tab
    context.close()


@pytest.fixture
def browser_login():
    """Sign a page in as a user through the real login form."""

    def login(page, user, password: str | None = None):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password or "pw-" + user.username)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return login


@pytest.fixture
def fake_dns(monkeypatch):
    """Answers for supportops.outbound's resolver (the test machine has no DNS): fill the dict with
    host -> list of addresses; a test may change an answer to play DNS rebinding. Unlisted names and
    literal addresses resolve as usual."""
    from supportops import outbound

    answers: dict[str, list[str]] = {}
    real = outbound._resolve

    def resolve(host: str, port: int):
        if host in answers:
            import ipaddress

            return [ipaddress.ip_address(a) for a in answers[host]]
        return real(host, port)

    monkeypatch.setattr(outbound, "_resolve", resolve)
    return answers
