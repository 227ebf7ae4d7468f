"""One Redis command without redis-py's per-command bookkeeping, for the two that every public submission
sends (the throttle's script and the delivery nudge; issue 16).

`client.execute_command` wraps each command in a retry closure, a failure callback, operation-duration
and error-count recording and the connection's re-connect check: about 17 µs of a 30 µs call on this
machine, as much as the round trip's own work. `command` takes a connection from the same pool, sends,
reads the reply as the server gave it (no response callback: the callers' commands have none that
changes an integer or a list of integers) and gives the connection back."""

from redis import Redis
from redis.exceptions import ConnectionError, TimeoutError


def command(client: Redis, *args):
    """The reply to one command on `client`'s connection pool. A reply error (e.g. NOSCRIPT) is raised as
    redis-py raises it. A connection that fails is dropped and the command sent once more on a fresh
    one (a pooled connection may have outlived a server restart); a second failure is raised, as
    redis-py raises it once its retries are spent."""
    pool = client.connection_pool
    for attempt in (1, 2):
        connection = pool.get_connection()
        try:
            connection.send_command(*args)
            return connection.read_response()
        except (ConnectionError, TimeoutError):
            connection.disconnect()
            if attempt == 2:
                raise
        finally:
            pool.release(connection)
    raise AssertionError("unreachable")  # pragma: no cover
