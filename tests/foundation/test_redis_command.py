"""supportops.redis_command: one command on a connection of a client's pool kept per thread, answered as
redis-py answers it."""

import threading

import pytest
import redis
from django.conf import settings
from redis.exceptions import ConnectionError, ResponseError

from supportops.redis_command import command

pytestmark = pytest.mark.redis

KEY = "test:redis-command"


@pytest.fixture
def client():
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(KEY)
    yield client
    client.delete(KEY)
    client.close()


def test_replies_as_redis_py(client):
    assert command(client, "RPUSH", KEY, "a") == client.rpush(KEY, "b") - 1 == 1
    assert command(client, "LRANGE", KEY, 0, -1) == client.lrange(KEY, 0, -1) == [b"a", b"b"]
    assert command(client, "EVAL", "return {1, 2}", 0) == client.eval("return {1, 2}", 0) == [1, 2]


def test_one_connection_per_thread_made_by_the_pool_not_lent_by_it(client):
    pool = client.connection_pool
    made = pool._created_connections  # the fixture's own, back in the pool
    own = command(client, "CLIENT", "ID")
    assert command(client, "CLIENT", "ID") == own  # kept for this thread
    assert pool._created_connections == made + 1
    assert not pool._in_use_connections and len(pool._available_connections) == made  # untouched
    client.ping()
    assert pool._created_connections == made + 1
    other: list[int] = []
    worker = threading.Thread(target=lambda: other.append(command(client, "CLIENT", "ID")))
    worker.start()
    worker.join()
    assert other and other[0] != own


def test_a_reply_error_is_raised_and_the_connection_kept(client):
    command(client, "RPUSH", KEY, "a")
    with pytest.raises(ResponseError):
        command(client, "INCR", KEY)  # a list, not a number
    own = command(client, "CLIENT", "ID")
    with pytest.raises(ResponseError):
        command(client, "INCR", KEY)
    assert command(client, "LLEN", KEY) == 1
    assert command(client, "CLIENT", "ID") == own


def test_a_dropped_connection_is_replaced_once(client):
    """A pooled connection the server closed (a restart, a timeout): the command goes on a fresh one."""
    command(client, "PING")
    own_id = command(client, "CLIENT", "ID")
    with redis.Redis.from_url(settings.REDIS_URL) as other:
        other.client_kill_filter(_id=own_id)
    assert command(client, "RPUSH", KEY, "a") == 1
    assert client.lrange(KEY, 0, -1) == [b"a"]
    assert command(client, "CLIENT", "ID") != own_id  # a new connection


def test_an_unreachable_server_raises(client):
    down = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    with pytest.raises(ConnectionError):
        command(down, "PING")
