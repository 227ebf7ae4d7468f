"""Intake on the production stack (issue 16), run by `make bench`, never by `make test`.

Three apps behind gunicorn with the same workers and threads (BENCH_WORKERS, BENCH_THREADS), on the same
PostgreSQL server (a database each, named after DATABASE_URL's) and Redis:

- SupportOps with its production settings and deploy/gunicorn.conf.py: `POST /api/v1/public/inquiries/`;
- the bare view (bare.py): the same fields validated by a Django form, one INSERT;
- django-helpdesk's public ticket form (helpdesk_site.py), pinned below, installed from PyPI into its own
  venv (var/helpdesk-venv); skipped, and said so, only when PyPI cannot be reached.

`ab` (apache2-utils) drives each with BENCH_CONCURRENCY keep-alive clients, BENCH_HTTP_N submissions a
run, BENCH_HTTP_RUNS interleaved runs (the order rotates); the table shows the median submissions/s, the
ratios within each round, and the CPU time per submission of each app's gunicorn processes and of its
PostgreSQL backends (/proc). Every run checks that exactly BENCH_HTTP_N rows were stored. Each app starts
from empty tables and its database is vacuumed before each of its runs (as autovacuum would between
bursts: the team row's reference counter otherwise piles up dead versions for the later rounds only).
Then py-spy (its own venv, var/pyspy-venv) samples the SupportOps workers' Python time (--gil) during
more runs and prints where it goes (PROFILE below).

Throttling: SupportOps keeps its throttles on (their Redis round trips are measured), but the bench raises
PUBLIC_INTAKE_RATE and PUBLIC_INTAKE_TEAM_RATE through the environment, since every submission comes from
one address to one team; the defaults (20/hour, 200/hour) are untouched. No Celery worker runs: the
requests' delivery nudges (supportops.notifications.NUDGE_KEY) queue up in Redis and are dropped at the
end (the bench measures the web tier; a worker would turn them into delivery tasks).

Output: printed, and written to var/bench/intake_http.md.
"""

from __future__ import annotations

import collections
import http.client
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
VAR = ROOT / "var"
OUT_DIR = VAR / "bench" / "intake_http"
PY = ROOT / ".venv" / "bin" / "python"
HELPDESK_VERSION = "2.6.1"  # django-helpdesk, newest on PyPI at the time of writing (Django >= 5.2)
HELPDESK_VENV = VAR / "helpdesk-venv"
HELPDESK_PACKAGES = [
    f"django-helpdesk=={HELPDESK_VERSION}",
    "gunicorn==27.0.1",
    "psycopg2-binary==2.9.13",
    "dj-database-url",
]
PYSPY_VENV = VAR / "pyspy-venv"
PYSPY_VERSION = "0.4.1"

WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
N = int(os.environ.get("BENCH_HTTP_N", "600"))
RUNS = int(os.environ.get("BENCH_HTTP_RUNS", "5"))
PROFILE_SECONDS = int(os.environ.get("BENCH_PROFILE_SECONDS", "15"))
BARE_TABLE = (
    "CREATE TABLE IF NOT EXISTS bench_bare_submission (id bigserial PRIMARY KEY, team varchar(40) NOT NULL, "
    "name varchar(120) NOT NULL, email varchar(254) NOT NULL, subject varchar(200) NOT NULL, "
    "body text NOT NULL, topic varchar(80) NOT NULL, received_at timestamptz NOT NULL)"
)
# The app's own PostgreSQL backends (persistent connections: CONN_MAX_AGE), not this script's.
BACKENDS = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
# Persistent connections for every app (production's CONN_MAX_AGE=60 would recycle them mid-bench).
CONN_MAX_AGE = "3600"
PORTS = {"bare view": 8791, "SupportOps": 8792, "django-helpdesk": 8793}

FORM = {
    "team": "ads",
    "subject": "Kernel dies loading the dataset",
    "body": "My Jupyter kernel dies whenever I load the 2 GB dataset. " * 5,
    "name": "Lea Learner",
    "email": "lea@example.org",
}
# What a profile sample is counted under: the first pattern found in its stack, in this order (a frame is
# "function (path:line)"); "rest of the request" is whatever a worker does outside these.
PROFILE = [
    ("throttles (one Redis script call)", r"\((?:\S*/)?(?:security/ratelimit|inquiries/throttle)\.py"),
    ("team, Primary and reference number (one SELECT)", r"^team_and_primary \("),
    ("team lookup (SELECT)", r"^team_by_slug \("),
    ("Primary for the arrival (SELECT)", r"^(?:primary_for_arrival|assignee_for_arrival) \("),
    ("response deadlines (Python)", r"^(?:response_deadlines|resolution_deadline) \("),
    ("reference number (its own statement)", r"^reference_next \("),
    ("delivery nudge after commit (one Redis RPUSH)", r"^_enqueue_delivery \(|\((?:\S*/)?(?:celery|kombu)/"),
    ("email mutes and zones (accounts' Profile query)", r"^(?:_preferences|notice_preferences) \("),
    ("notification + outbox rows and INSERTs", r"^(?:notify_many|outbox_add|_acknowledgement) \("),
    ("inquiry, message, events INSERTs", r"^insert_rows \(|^(?:create|bulk_create) \(\S*django/db/models"),
    ("BEGIN / COMMIT", r"^(?:__enter__|__exit__) \(\S*django/db/transaction\.py"),
    ("validation and JSON parsing", r"^(?:validate_public_inquiry|_parse) \(\S*inquiries/api/public\.py"),
    ("rest of the view and service (model objects, texts, response)", r"^public_inquiry_create \("),
    ("middleware and DRF dispatch", r"\(\S*(?:django/core/handlers|rest_framework/views)\.py|middleware"),
    ("gunicorn (HTTP parsing, sockets, access log)", r"\(\S*(?:gunicorn/|observability/gunicorn)"),
]


def log(message: str) -> None:
    print(message, flush=True)


def database_url(suffix: str) -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/so_bench")
    if not base.startswith("postgres"):
        sys.exit("The intake benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    parsed = urllib.parse.urlparse(base)
    return parsed._replace(path=f"{parsed.path.rstrip('/')}_{suffix}").geturl()


def psql(url: str, sql: str, *, dbname: str | None = None) -> list[tuple]:
    import psycopg2

    parsed = urllib.parse.urlparse(url)
    connection = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname=dbname or parsed.path.lstrip("/"),
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def ensure_database(url: str) -> None:
    name = urllib.parse.urlparse(url).path.lstrip("/")
    if not psql(url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'", dbname="postgres"):
        psql(url, f'CREATE DATABASE "{name}"', dbname="postgres")


def run(cmd: list[str], *, env: dict | None = None, cwd: Path = ROOT) -> str:
    result = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def venv_with(venv: Path, packages: list[str], marker: str) -> bool:
    """A throwaway venv with `packages` from PyPI; False when they cannot be installed (PyPI down)."""
    stamp = venv / f".bench-{marker}"
    if stamp.exists():
        return True
    if not (venv / "bin" / "python").exists():
        run([sys.executable, "-m", "venv", str(venv)])
    result = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", *packages],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        log(f"  could not install {' '.join(packages)}:\n{result.stderr.strip()[-800:]}")
        return False
    stamp.touch()
    return True


# ----------------------------------------------------------------------------------------------- apps


class App:
    def __init__(self, name: str, cmd: list[str], env: dict, cwd: Path, path: str, count_sql: str, db: str):
        self.name, self.cmd, self.env, self.cwd = name, cmd, env, cwd
        self.path, self.count_sql, self.db = path, count_sql, db
        self.reset_sql = ""
        self.port = PORTS[name]
        self.process: subprocess.Popen | None = None
        self.body_file = OUT_DIR / f"{self.port}.body"
        self.content_type = "application/json"
        self.headers: list[str] = []

    def start(self) -> None:
        logfile = open(OUT_DIR / f"{self.port}.log", "w")  # noqa: SIM115 - open for the process's life
        self.process = subprocess.Popen(
            self.cmd, env=self.env, cwd=self.cwd, stdout=logfile, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited:\n{(OUT_DIR / f'{self.port}.log').read_text()[-3000:]}"
                )
            try:  # any answer will do (404, or a redirect to HTTPS)
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/nothing-here")
                connection.getresponse().read()
                connection.close()
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def reset(self) -> None:
        """Start from empty tables (earlier benches leave rows behind)."""
        if self.reset_sql:
            psql(self.db, self.reset_sql)
        self.vacuum()

    def vacuum(self) -> None:
        """What autovacuum would do between rounds: at hundreds of submissions a second, the team row's
        counter (SupportOps) leaves thousands of dead versions a minute, and autovacuum's default pace
        would let them pile up for the later rounds only."""
        psql(self.db, "VACUUM ANALYZE")

    def rows(self) -> int:
        return psql(self.db, self.count_sql)[0][0]

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"


def supportops_app(url: str, redis_url: str) -> App:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "supportops.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "CONN_MAX_AGE": CONN_MAX_AGE,
        "REDIS_URL": redis_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PORT": str(PORTS["SupportOps"]),
        "WEB_CONCURRENCY": str(WORKERS),
        "WEB_THREADS": str(THREADS),
        "SUPPORTOPS_VAR_DIR": str(OUT_DIR / "supportops-var"),
        # Bench setting (see the module docstring): one address and one team send everything.
        "PUBLIC_INTAKE_RATE": "100000000/hour",
        "PUBLIC_INTAKE_TEAM_RATE": "100000000/hour",
    }
    env.pop("CI", None)
    run([str(PY), "manage.py", "migrate", "--noinput", "-v0"], env=env)
    run([str(PY), "manage.py", "shell", "-c", (HERE / "seed_supportops.py").read_text()], env=env)
    app = App(
        "SupportOps",
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "supportops.wsgi:application",
            "--config",
            "deploy/gunicorn.conf.py",
        ],
        env,
        ROOT,
        "/api/v1/public/inquiries/",
        "SELECT count(*) FROM inquiries_inquiry",
        url,
    )
    app.reset_sql = (
        "TRUNCATE inquiries_inquiry, supportops_notification, supportops_outboundmessage, rollups_dirtyday "
        "CASCADE"
    )
    app.body_file.write_text(json.dumps(FORM))
    # As nginx would say it: the production settings redirect plain HTTP to HTTPS.
    app.headers = ["X-Forwarded-Proto: https"]
    return app


def gunicorn_args(port: int, module: str) -> list[str]:
    return [
        "--chdir", str(HERE), module, "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS), "--threads", str(THREADS), "--worker-class", "gthread",
        "--timeout", "30", "--graceful-timeout", "20",
    ]  # fmt: skip


def bare_app(url: str) -> App:
    psql(url, BARE_TABLE)
    env = {**os.environ, "DATABASE_URL": url, "CONN_MAX_AGE": CONN_MAX_AGE}
    app = App(
        "bare view",
        [str(ROOT / ".venv" / "bin" / "gunicorn"), *gunicorn_args(PORTS["bare view"], "bare:application")],
        env,
        ROOT,
        "/submit/",
        "SELECT count(*) FROM bench_bare_submission",
        url,
    )
    app.reset_sql = "TRUNCATE bench_bare_submission"
    app.body_file.write_text(json.dumps(FORM))
    return app


def helpdesk_app(url: str) -> App | None:
    log(f"django-helpdesk {HELPDESK_VERSION}: venv {HELPDESK_VENV.relative_to(ROOT)}")
    if not venv_with(HELPDESK_VENV, HELPDESK_PACKAGES, HELPDESK_VERSION):
        log("  PyPI unreachable or the install failed: django-helpdesk is SKIPPED in this run")
        return None
    python = str(HELPDESK_VENV / "bin" / "python")
    env = {**os.environ, "DATABASE_URL": url, "CONN_MAX_AGE": CONN_MAX_AGE}
    run([python, "helpdesk_site.py", "migrate", "--noinput", "-v0"], env=env, cwd=HERE)
    run([python, "helpdesk_site.py", "seed"], env=env, cwd=HERE)
    app = App(
        "django-helpdesk",
        [
            str(HELPDESK_VENV / "bin" / "gunicorn"),
            *gunicorn_args(PORTS["django-helpdesk"], "helpdesk_site:application"),
        ],
        env,
        HERE,
        "/tickets/submit/",
        "SELECT count(*) FROM helpdesk_ticket",
        url,
    )
    app.reset_sql = "TRUNCATE helpdesk_ticket CASCADE"
    return app


def helpdesk_session(app: App) -> None:
    """One client session: GET the form once for its CSRF cookie and token, then every POST reuses them."""
    response = urllib.request.urlopen(app.url(), timeout=10)
    html = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    fields = {
        "csrfmiddlewaretoken": token,
        "title": FORM["subject"],
        "body": FORM["body"],
        "submitter_email": FORM["email"],
        "due_date": "",
    }
    app.body_file.write_text(urllib.parse.urlencode(fields))
    app.content_type = "application/x-www-form-urlencoded"
    app.headers = [f"Cookie: csrftoken={cookie}"]


# ------------------------------------------------------------------------------------------- clients


TICK = os.sysconf("SC_CLK_TCK")
CLIENT = "ab" if shutil.which("ab") else "Python threads, no ab installed"


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (0 for one that is gone)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def process_tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            pids += process_tree(int(child))
    return pids


def drive(app: App, n: int) -> dict:
    """n POSTs from CONCURRENCY keep-alive clients: submissions/s, what came back, and the CPU time the
    app's gunicorn processes and its PostgreSQL backends spent per submission."""
    before = app.rows()
    workers = process_tree(app.process.pid)
    backends = {pid: cpu_seconds([pid]) for (pid,) in psql(app.db, BACKENDS)}
    app_cpu = cpu_seconds(workers)
    result = drive_ab(app, n) if CLIENT == "ab" else drive_python(app, n)
    result["app_ms"] = round((cpu_seconds(workers) - app_cpu) * 1000 / n, 2)
    # A backend that closed meanwhile is not counted (CONN_MAX_AGE keeps them for the whole bench).
    db_cpu = sum(cpu_seconds([pid]) - backends.get(pid, 0) for (pid,) in psql(app.db, BACKENDS))
    result["db_ms"] = round(db_cpu * 1000 / n, 2)
    result["stored"] = app.rows() - before
    if result["stored"] != n or result["failed"]:
        raise RuntimeError(f"{app.name}: {n} sent, {result['stored']} stored ({result})")
    return result


def drive_ab(app: App, n: int) -> dict:
    cmd = [
        "ab",
        "-q",
        "-k",
        "-c",
        str(CONCURRENCY),
        "-n",
        str(n),
        "-p",
        str(app.body_file),
        "-T",
        app.content_type,
    ]
    for header in app.headers:
        cmd += ["-H", header]
    output = run([*cmd, app.url()])
    number = lambda label: float(re.search(rf"{label}:\s+([\d.]+)", output).group(1))  # noqa: E731
    # ab counts a response whose length differs from the first one's as "failed" (Length): references
    # grow a digit now and then. Only connection errors are failures; `drive` checks the stored rows.
    errors = re.search(r"\(Connect: (\d+), Receive: (\d+), Length: \d+, Exceptions: (\d+)\)", output)
    failed = sum(int(g) for g in errors.groups()) if errors else int(number("Failed requests"))
    non2xx = re.search(r"Non-2xx responses:\s+(\d+)", output)
    return {
        "rps": number("Requests per second"),
        "failed": failed,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "keepalive": int(number("Keep-Alive requests")),
        "client": "ab",
    }


def drive_python(app: App, n: int) -> dict:
    """Fallback without `ab`: threads with one keep-alive connection each (costs more client CPU)."""
    body = app.body_file.read_bytes()
    headers = {"Content-Type": app.content_type, **dict(h.split(": ", 1) for h in app.headers)}
    remaining = iter(range(n))
    lock = threading.Lock()
    statuses: collections.Counter = collections.Counter()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)
        while True:
            with lock:
                if next(remaining, None) is None:
                    break
            connection.request("POST", app.path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            with lock:
                statuses[response.status] += 1
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)

    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ok = sum(c for s, c in statuses.items() if 200 <= s < 300)
    return {"rps": n / elapsed, "failed": 0, "non_2xx": n - ok, "keepalive": n, "client": "python"}


# ------------------------------------------------------------------------------------------- profile


def profile(app: App) -> list[tuple[str, float]]:
    """py-spy samples the SupportOps workers while `ab` runs; share of their busy samples per PROFILE."""
    if not venv_with(PYSPY_VENV, [f"py-spy=={PYSPY_VERSION}"], PYSPY_VERSION):
        log("  py-spy could not be installed: no profile")
        return []
    raw = OUT_DIR / "profile.txt"
    app.vacuum()
    spy = subprocess.Popen(
        [
            str(PYSPY_VENV / "bin" / "py-spy"), "record", "--pid", str(app.process.pid), "--subprocesses",
            "--rate", "250", "--format", "raw", "--duration", str(PROFILE_SECONDS), "--output", str(raw),
            "--nonblocking", "--gil",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    time.sleep(1.5)
    deadline = time.monotonic() + PROFILE_SECONDS - 2
    while time.monotonic() < deadline:
        drive(app, 200)
    _, error = spy.communicate(timeout=PROFILE_SECONDS + 60)
    if not raw.exists():
        log(f"  py-spy failed: {error.strip()[-500:]}")
        return []
    totals: collections.Counter = collections.Counter()
    busy = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not any("handle_request" in frame for frame in frames):
            continue  # the master, idle threads, gunicorn's accept loop
        busy += int(count)
        for label, pattern in PROFILE:
            if any(re.search(pattern, frame) for frame in frames):
                totals[label] += int(count)
                break
        else:
            totals["rest of the request (rendering, logging, metrics, …)"] += int(count)
    if not busy:
        return []
    return [(label, 100 * count / busy) for label, count in totals.most_common()]


# ---------------------------------------------------------------------------------------------- main


def main() -> int:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    urls = {key: database_url(key) for key in ("httpbench", "bare", "helpdesk")}
    for url in urls.values():
        ensure_database(url)
    load_before = os.getloadavg()
    log(f"Intake over HTTP: gunicorn {WORKERS} workers x {THREADS} threads each, {CONCURRENCY} clients, "
        f"{N} submissions a run, {RUNS} runs; load average {load_before[0]:.2f}")  # fmt: skip
    apps = [bare_app(urls["bare"]), supportops_app(urls["httpbench"], redis_url)]
    helpdesk = helpdesk_app(urls["helpdesk"])
    if helpdesk is not None:
        apps.append(helpdesk)
    try:
        for app in apps:
            app.reset()
            app.start()
        if helpdesk is not None:
            helpdesk_session(helpdesk)
        for app in apps:  # warm-up: imports, connections, caches
            drive(app, min(N, 200))
        results: dict[str, list[dict]] = {app.name: [] for app in apps}
        for k in range(RUNS):
            order = apps[k % len(apps) :] + apps[: k % len(apps)]
            for app in order:
                app.vacuum()
                outcome = drive(app, N)
                results[app.name].append(outcome)
                log(f"  run {k + 1}: {app.name:16} {outcome['rps']:7.1f}/s  ({outcome})")
        supportops = next(app for app in apps if app.name == "SupportOps")
        try:
            breakdown = profile(supportops)
        except Exception as error:  # noqa: BLE001 - the table is still worth printing
            log(f"  profile failed: {error!r}")
            breakdown = []
    finally:
        for app in apps:
            app.stop()
        purge_queues(redis_url)
    load_after = os.getloadavg()
    report = table(results, breakdown, load_before, load_after)
    print("\n" + report)
    (VAR / "bench" / "intake_http.md").write_text(report)
    return 0


def purge_queues(redis_url: str) -> None:
    """Nobody consumes the delivery nudges here: drop them (the outbox rows stay in the bench DB)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for queue in ("supportops:outbox:nudge", "celery", "notifications", "sweeps", "webhooks"):
        client.delete(queue)


def table(results: dict[str, list[dict]], breakdown, load_before, load_after) -> str:
    def median(name: str, key: str) -> float:
        return statistics.median(outcome[key] for outcome in results[name])

    helpdesk = "django-helpdesk" in results
    lines = [
        f"Intake over HTTP on this machine ({os.cpu_count()} cores shared with other work; load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after): gunicorn {WORKERS} workers x {THREADS} "
        f"threads for each app, {CONCURRENCY} keep-alive clients ({CLIENT}), {N} submissions a run, "
        f"median of {RUNS} interleaved runs. CPU: milliseconds per submission in the app's gunicorn "
        "processes and in its PostgreSQL backends (less sensitive to the load than submissions/s).",
        "",
        "| app | submissions/s (median) | runs | × bare view | SupportOps ÷ it | app CPU ms | DB CPU ms |",
        "|---|---|---|---|---|---|---|",
    ]

    def per_round(top: str, bottom: str) -> float:
        """The median of the ratios within each round (the load moves between rounds, less within one)."""
        pairs = zip(results[top], results[bottom], strict=True)
        return statistics.median(a["rps"] / b["rps"] for a, b in pairs)

    for name, outcomes in results.items():
        rps = median(name, "rps")
        versus = f"{per_round('SupportOps', name):.2f}" if name != "SupportOps" else ""
        runs = ", ".join(f"{outcome['rps']:.0f}" for outcome in outcomes)
        lines.append(
            f"| {name} | {rps:.1f} | {runs} | {per_round(name, 'bare view'):.2f} | {versus} | "
            f"{median(name, 'app_ms'):.1f} | {median(name, 'db_ms'):.1f} |"
        )
    if not helpdesk:
        lines.append("| django-helpdesk | skipped (PyPI unreachable) | | | | | |")
    cpu = {name: median(name, "app_ms") + median(name, "db_ms") for name in results}
    lines += [
        "",
        "Ratios are medians of the ratios within each round. By CPU per submission (app + database), "
        + "; ".join(
            f"SupportOps costs {cpu['SupportOps'] / cpu[name]:.1f}× {name}"
            for name in results
            if name != "SupportOps"
        )
        + ".",
    ]
    if breakdown:
        lines += [
            "",
            f"Where a SupportOps worker's Python time goes (py-spy --gil, {PROFILE_SECONDS} s at 250 Hz "
            "over every worker under the same load: share of the samples inside a request; waiting for "
            "PostgreSQL or Redis is not in it, their CPU is the DB column above):",
            "",
            "| part | share |",
            "|---|---|",
        ]
        lines += [f"| {label} | {share:.1f} % |" for label, share in breakdown]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
