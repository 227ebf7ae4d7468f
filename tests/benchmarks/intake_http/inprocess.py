"""The public intake's CPU per submission in one process, without gunicorn or a client (issue 16): the
same production settings, database seed and body as run.py, each submission handed to Django's WSGI
handler. Less noisy than the HTTP bench on a loaded machine (no client, no scheduling between workers),
so it compares one change with the next; run.py remains the measure of record.

    DATABASE_URL=postgres://…/so_x REDIS_URL=redis://…/5 .venv/bin/python \\
        tests/benchmarks/intake_http/inprocess.py [N=1000] [ROUNDS=3] [--cprofile FILE]

Prints, per round, the process's CPU ms per submission and its PostgreSQL backend's (/proc), then the
medians. The database is `<DATABASE_URL>_inprocess`, emptied and vacuumed before each round.

Instructions instead of time (the same on a loaded machine; the app's side only):

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.out .venv/bin/python \
        tests/benchmarks/intake_http/inprocess.py 200 1 --callgrind
    callgrind_annotate /tmp/cg.out | head   # "PROGRAM TOTALS" Ir / 200 = instructions per submission"""

from __future__ import annotations

import io
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path[:0] = [str(ROOT), str(HERE)]

from run import FORM, TICK, database_url, ensure_database  # noqa: E402


def callgrind_switch(state: str) -> None:
    """Instrumentation on or off for this process (valgrind --tool=callgrind --instr-atstart=no)."""
    subprocess.run(["callgrind_control", "-i", state, str(os.getpid())], capture_output=True, check=True)


def user_system(pid: int) -> tuple[float, float]:
    """A process's user and system CPU seconds so far (/proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[11]) / TICK, int(fields[12]) / TICK


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    profile_to = sys.argv[sys.argv.index("--cprofile") + 1] if "--cprofile" in sys.argv else None
    if profile_to in args:
        args.remove(profile_to)
    n = int(args[0]) if args else 1000
    rounds = int(args[1]) if len(args) > 1 else 3
    callgrind = "--callgrind" in sys.argv
    callgrind_db = "--callgrind-db" in sys.argv
    url = database_url("inprocess")
    ensure_database(url)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "supportops.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": url,
            "CONN_MAX_AGE": "3600",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SUPPORTOPS_VAR_DIR": str(ROOT / "var" / "bench" / "inprocess-var"),
            "PUBLIC_INTAKE_RATE": "100000000/hour",
            "PUBLIC_INTAKE_TEAM_RATE": "100000000/hour",
        }
    )
    os.environ.pop("CI", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    call_command("migrate", "--noinput", verbosity=0)
    exec((HERE / "seed_supportops.py").read_text(), {})  # noqa: S102 - the bench's own seed
    application = get_wsgi_application()
    body = json.dumps(FORM).encode()
    base = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/public/inquiries/",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_USER_AGENT": "inprocess",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    statuses: list[str] = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    def submit() -> None:
        environ = dict(base)
        environ["wsgi.input"] = io.BytesIO(body)
        response = application(environ, start_response)
        b"".join(response)
        response.close()

    def vacuum() -> None:
        connection.connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    def reset() -> None:
        """Empty tables, then 200 submissions and a VACUUM ANALYZE as run.py's warm-up and its vacuum
        before each run: the foreign keys' checks (plans cached per connection, made again after the
        ANALYZE) find the inquiry by its primary key. Planned on a table of a page or two they would
        scan it, for the whole round, as it grows: a third of the database's CPU per submission."""
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE inquiries_inquiry, supportops_notification, supportops_outboundmessage, "
                "rollups_dirtyday CASCADE"
            )
        vacuum()
        for _ in range(200):
            submit()
        vacuum()

    for _ in range(200):  # warm-up: imports, connections, prepared statements
        submit()
    if statuses[-1][:3] != "201":
        sys.exit(f"not stored: {statuses[-1]}")
    results = []
    for k in range(rounds):
        reset()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        statuses.clear()
        if callgrind:  # instructions of the measured submissions only (see the module docstring)
            callgrind_switch("on")
        db0, app0, wall0 = user_system(backend), time.process_time(), time.perf_counter()
        if profile_to and k == rounds - 1:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(n):
                submit()
            profiler.disable()
            profiler.dump_stats(profile_to)
        else:
            for _ in range(n):
                submit()
        app_ms = (time.process_time() - app0) * 1000 / n
        if callgrind:
            callgrind_switch("off")
        if callgrind_db:  # the server's --dump-before (see the module docstring)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_postmaster_start_time()")
        db1 = user_system(backend)
        db_user_ms, db_system_ms = ((db1[i] - db0[i]) * 1000 / n for i in (0, 1))
        db_ms = db_user_ms + db_system_ms
        wall_ms = (time.perf_counter() - wall0) * 1000 / n
        bad = [s for s in statuses if not s.startswith("201")]
        if bad:
            sys.exit(f"round {k + 1}: {len(bad)} not stored ({bad[0]})")
        results.append((app_ms, db_ms, wall_ms))
        print(
            f"round {k + 1}: app {app_ms:.2f} + db {db_ms:.2f} = {app_ms + db_ms:.2f} ms CPU per submission "
            f"(db user {db_user_ms:.2f} + system {db_system_ms:.2f}; wall {wall_ms:.2f} ms; "
            f"load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    app_ms, db_ms, wall_ms = (statistics.median(r[i] for r in results) for i in range(3))
    print(f"median: app {app_ms:.2f} + db {db_ms:.2f} = {app_ms + db_ms:.2f} ms (wall {wall_ms:.2f} ms)")


if __name__ == "__main__":
    main()
