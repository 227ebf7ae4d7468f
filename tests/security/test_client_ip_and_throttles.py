"""Client addresses come from TRUSTED_PROXY_COUNT for every throttle: a made-up X-Forwarded-For widens no
quota, and clients behind our one proxy get a quota each. A budget per team caps intake from everyone."""

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from inquiries.models import Inquiry
from security.client_ip import client_ip
from security.ratelimit import Rate, hit, hit_pair
from supportops.redis_command import command

pytestmark = pytest.mark.django_db

FORM = {"name": "Lea", "email": "lea@example.org", "subject": "Kernel dies", "body": "It dies when loading."}
API = "/api/v1/public/inquiries/"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "", "203.0.113.9"),
        (0, "198.51.100.1", "203.0.113.9"),  # no proxy: the header is anyone's invention
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own entries are ignored
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "198.51.100.1", "203.0.113.9"),  # fewer entries than proxies: not through them all
        (1, "not-an-address", "203.0.113.9"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_takes_the_nth_address_from_the_right(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_spoofed_forwarded_for_does_not_widen_the_web_form_quota(client, settings, on_shift):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.PUBLIC_INTAKE_RATE = "3/hour"
    codes = [
        client.post("/ask/ads/", FORM, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(6)
    ]
    assert codes == [302, 302, 302, 429, 429, 429]
    assert Inquiry.objects.count() == 3


def test_spoofed_forwarded_for_does_not_widen_the_api_quota(api, settings, on_shift):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.PUBLIC_INTAKE_RATE = "2/hour"
    codes = [
        api.post(
            API, {"team": "ads", **FORM}, format="json", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(4)
    ]
    assert codes == [201, 201, 429, 429]


def test_two_clients_behind_one_trusted_proxy_get_separate_quotas(client, settings, on_shift):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PUBLIC_INTAKE_RATE = "2/hour"
    proxy = {"REMOTE_ADDR": "10.0.0.5"}  # nginx: every request comes from it

    def post(forwarded: str) -> int:
        return client.post("/ask/ads/", FORM, HTTP_X_FORWARDED_FOR=forwarded, **proxy).status_code

    assert [post("198.51.100.1") for _ in range(3)] == [302, 302, 429]
    # A prefix the client made up does not change who they are.
    assert post("6.6.6.6, 198.51.100.1") == 429
    assert [post("198.51.100.2") for _ in range(3)] == [302, 302, 429]
    assert Inquiry.objects.count() == 4


def test_two_clients_behind_one_trusted_proxy_get_separate_api_quotas(api, settings, on_shift):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PUBLIC_INTAKE_RATE = "1/hour"

    def post(forwarded: str) -> int:
        return api.post(
            API,
            {"team": "ads", **FORM},
            format="json",
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    assert [post("198.51.100.1"), post("198.51.100.1"), post("198.51.100.2")] == [201, 429, 201]


def test_team_budget_caps_intake_from_many_clients_with_a_message(
    client, api, settings, on_shift, other_team
):
    settings.PUBLIC_INTAKE_RATE = "100/hour"
    settings.PUBLIC_INTAKE_TEAM_RATE = "3/hour"
    assert client.post("/ask/ads/", FORM, REMOTE_ADDR="198.51.100.1").status_code == 302
    assert client.post("/ask/ads/", FORM, REMOTE_ADDR="198.51.100.2").status_code == 302
    assert (
        api.post(API, {"team": "ads", **FORM}, format="json", REMOTE_ADDR="198.51.100.3").status_code == 201
    )
    page = client.post("/ask/ads/", FORM, REMOTE_ADDR="198.51.100.4")
    assert page.status_code == 429
    assert "Applied Data Science has received many questions" in page.content.decode()
    response = api.post(API, {"team": "ads", **FORM}, format="json", REMOTE_ADDR="198.51.100.5")
    assert response.status_code == 429
    assert "too many questions" in response.json()["detail"]
    assert Inquiry.objects.filter(team__slug="ads").count() == 3
    # Another team's budget is its own.
    assert client.post("/ask/bio/", FORM, REMOTE_ADDR="198.51.100.6").status_code == 302


def test_counter_counts_within_a_window(settings):
    rate = Rate.parse("3/minute")
    results = [hit("test", "198.51.100.1", rate) for _ in range(4)]
    assert [r.count for r in results] == [1, 2, 3, 4]
    assert [r.allowed for r in results] == [True, True, True, False]
    assert 1 <= results[-1].retry_after <= 60
    assert hit("test", "198.51.100.2", rate).count == 1


@pytest.mark.redis
def test_counter_on_redis_is_one_round_trip_and_expires(settings, monkeypatch):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}
    }
    backend = caches["default"]
    backend.clear()
    client = backend._cache.get_client(None, write=True)
    # Count what reaches the server: redis-py sends a pipeline as one write and reads its replies.
    calls = []
    pipeline_class = type(client.pipeline())
    original_execute = pipeline_class.execute

    def counting_execute(self, *args, **kwargs):
        calls.append([c[0][0] for c in self.command_stack])
        return original_execute(self, *args, **kwargs)

    monkeypatch.setattr(pipeline_class, "execute", counting_execute)
    rate = Rate.parse("5/hour")
    counts = [hit("rt", "198.51.100.1", rate).count for _ in range(3)]
    monkeypatch.undo()
    assert counts == [1, 2, 3]
    assert calls == [["INCRBY", "EXPIRE"]] * 3  # one pipeline (one round trip) per hit
    keys = [k for k in client.keys("*") if b"rl:rt:198.51.100.1" in k]
    assert len(keys) == 1
    assert 0 < client.ttl(keys[0]) <= 3600 + 5
    backend.clear()


def _sent_commands(monkeypatch) -> list[str]:
    """The names of the commands redis-py's connections send from now on (one per round trip here)."""
    from redis.connection import AbstractConnection

    sent: list[str] = []
    original_send = AbstractConnection.send_command

    def counting_send(self, *args, **kwargs):
        sent.append(str(args[0]))
        return original_send(self, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_command", counting_send)
    return sent


@pytest.mark.redis
@pytest.mark.parametrize("backend", ["redis", "locmem"])
def test_client_limit_and_team_budget_in_one_round_trip_and_a_throttled_client_spends_no_budget(
    settings, monkeypatch, backend
):
    settings.CACHES = {
        "default": (
            {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}
            if backend == "redis"
            else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pair"}
        )
    }
    caches["default"].clear()
    client, team = Rate.parse("2/hour"), Rate.parse("3/hour")
    hit_pair(("warm-up", "198.51.100.9", client), ("warm-up", "ads", team))  # the server knows the script
    sent = _sent_commands(monkeypatch)
    hits = [hit_pair(("c", "198.51.100.1", client), ("t", "ads", team)) for _ in range(3)]
    assert [(own.count, own.allowed) for own, _ in hits] == [(1, True), (2, True), (3, False)]
    # The third was refused for the client: the team's budget was not touched by it.
    assert [shared.count if shared else None for _, shared in hits] == [1, 2, None]
    own, shared = hit_pair(("c", "198.51.100.2", client), ("t", "ads", team))
    assert (own.count, shared.count, shared.allowed) == (1, 3, True)
    own, shared = hit_pair(("c", "198.51.100.3", client), ("t", "ads", team))
    assert (shared.count, shared.allowed) == (4, False) and 1 <= shared.retry_after <= 3600
    # One script call (EVALSHA: one round trip) per pair on Redis; none on other caches.
    assert sent == (["EVALSHA"] * 5 if backend == "redis" else [])
    caches["default"].clear()


@pytest.mark.redis
def test_a_server_without_the_script_is_given_it_once(settings, monkeypatch):
    """NOSCRIPT (a new or flushed server): the script is loaded and the pair counted, once."""
    import hashlib
    import uuid

    from security import ratelimit

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}
    }
    caches["default"].clear()
    # The same script under a name no server has seen (a comment of its own).
    script = ratelimit._PAIR_SCRIPT + f"-- {uuid.uuid4()}\n"
    monkeypatch.setattr(ratelimit, "_PAIR_SCRIPT", script)
    monkeypatch.setattr(ratelimit, "_PAIR_SHA", hashlib.sha1(script.encode()).hexdigest())
    # This thread's connection to the cache's server, made (and its handshake sent) before counting.
    command(caches["default"]._cache.get_client(write=True), "PING")
    sent = _sent_commands(monkeypatch)
    rate = Rate.parse("5/hour")
    first = hit_pair(("c", "198.51.100.1", rate), ("t", "ads", rate))
    second = hit_pair(("c", "198.51.100.1", rate), ("t", "ads", rate))
    assert [(own.count, shared.count) for own, shared in (first, second)] == [(1, 1), (2, 2)]
    assert sent == ["EVALSHA", "SCRIPT", "EVALSHA", "EVALSHA"]
    caches["default"].clear()
