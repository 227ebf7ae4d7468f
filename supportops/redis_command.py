"""One Redis command without redis-py's per-command bookkeeping, for the two that every public submission
sends (the throttle's script and the delivery nudge; issue 16).

`client.execute_command` wraps each command in a retry closure, a failure callback, operation-duration
and error-count recording and the connection's re-connect check: about 17 µs of a 30 µs call on this
machine, as much as the round trip's own work. Taking a connection from the pool and giving it back costs
about as much again (a deprecation wrapper, four connection-count recordings, a `poll` for data left on
it). `command` keeps one connection of the client's pool per thread and process (made by the pool, not
lent by it: the pool's own connections are untouched), sends, and reads the reply as the server gave it
(no response callback: the callers' commands have none that changes an integer or a list of integers)."""

import os
import threading
import weakref

from redis import Redis
from redis.exceptions import ConnectionError, ResponseError, TimeoutError


class _Held(threading.local):
    def __init__(self) -> None:
        # pool -> (process id, connection); an entry goes with its pool (a test's client, closed).
        self.connections: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


_held = _Held()


def _connection(pool):
    """This thread's connection of `pool` in this process (a forked child makes its own)."""
    found = _held.connections.get(pool)
    if found is not None and found[0] == os.getpid():
        return found[1]
    connection = pool.make_connection()
    _held.connections[pool] = (os.getpid(), connection)
    return connection


def command(client: Redis, *args):
    """The reply to one command on this thread's connection of `client`'s pool. A reply error (e.g.
    NOSCRIPT) is raised as redis-py raises it, the connection kept (its reply was read). A connection that
    fails is closed and the command sent once more on a fresh socket (a kept connection may have outlived
    a server restart); a second failure is raised, as redis-py raises it once its retries are spent.
    Anything else that interrupts a command closes the connection: no reply is left behind on it."""
    connection = _connection(client.connection_pool)
    for attempt in (1, 2):
        try:
            connection.send_command(*args)
            return connection.read_response()
        except ResponseError:
            raise
        except (ConnectionError, TimeoutError):
            connection.disconnect()
            if attempt == 2:
                raise
        except BaseException:
            connection.disconnect()
            raise
    raise AssertionError("unreachable")  # pragma: no cover
