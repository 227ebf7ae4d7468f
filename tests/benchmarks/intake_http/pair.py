"""This checkout's SupportOps against another checkout's (e.g. main), interleaved with the bare view, on the
same stack as run.py (its apps, settings, clients and CPU columns; no helpdesk, no profile). For a change
whose effect is smaller than the load's swings between two runs of run.py (issue 16):

    git -C /work/main archive main | tar -x -C /tmp/main && ln -s "$PWD/.venv" /tmp/main/.venv
    DATABASE_URL=postgres://…/so_x REDIS_URL=redis://…/5 .venv/bin/python \\
        tests/benchmarks/intake_http/pair.py /tmp/main [ROUNDS=6]

The other checkout runs with its own code (gunicorn's --chdir puts it first on the path) and its own
database (`<DATABASE_URL>_httpother`); the order of the three rotates each round. Prints each run, then
per SupportOps the median ratio to the bare view within a round, the median CPU per submission (app +
database) and its ratio to the bare view's. Ports 8891, 8892 and 8894 (not run.py's)."""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402


def main() -> None:
    other_root = Path(sys.argv[1]).resolve()
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    run.OUT_DIR.mkdir(parents=True, exist_ok=True)
    run.PORTS.update({"bare view": 8891, "SupportOps": 8892})
    for key in ("bare", "httpbench", "httpother"):
        run.ensure_database(run.database_url(key))
    bare = run.bare_app(run.database_url("bare"))
    this = run.supportops_app(run.database_url("httpbench"), redis_url)
    this.name = "this checkout"
    # The other checkout: run.py's SupportOps with its root, venv, port and database.
    run.ROOT, run.PY = other_root, other_root / ".venv" / "bin" / "python"
    other = run.supportops_app(run.database_url("httpother"), redis_url)
    other.name, other.port, other.cwd = f"{other_root}", 8894, other_root
    other.env["PORT"] = str(other.port)
    other.cmd[0] = str(other_root / ".venv" / "bin" / "gunicorn")
    other.body_file = run.OUT_DIR / f"{other.port}.body"
    other.body_file.write_text(this.body_file.read_text())
    apps = [bare, other, this]
    results: dict[str, list[dict]] = {app.name: [] for app in apps}
    print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
    try:
        for app in apps:
            app.reset()
            app.start()
        for app in apps:  # warm-up
            run.drive(app, 200)
        for k in range(rounds):
            for app in apps[k % 3 :] + apps[: k % 3]:
                app.vacuum()
                outcome = run.drive(app, run.N)
                results[app.name].append(outcome)
                print(
                    f"round {k + 1} {app.name:20} {outcome['rps']:7.1f}/s  app {outcome['app_ms']:.2f} ms  "
                    f"db {outcome['db_ms']:.2f} ms  load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
    finally:
        for app in apps:
            app.stop()
        run.purge_queues(redis_url)
    base = results["bare view"]
    base_cpu = [b["app_ms"] + b["db_ms"] for b in base]
    for name in (other.name, this.name):
        mine = results[name]
        cpu = [s["app_ms"] + s["db_ms"] for s in mine]
        ratios = [s["rps"] / b["rps"] for s, b in zip(mine, base, strict=True)]
        print(
            f"{name}: × bare view {statistics.median(ratios):.3f} (rounds "
            f"{', '.join(f'{r:.2f}' for r in ratios)}); CPU app "
            f"{statistics.median(s['app_ms'] for s in mine):.2f} + db "
            f"{statistics.median(s['db_ms'] for s in mine):.2f} = {statistics.median(cpu):.2f} ms, "
            f"{statistics.median(c / b for c, b in zip(cpu, base_cpu, strict=True)):.2f}× the bare view's"
        )
    print(
        f"bare view: CPU {statistics.median(b['app_ms'] for b in base):.2f} + "
        f"{statistics.median(b['db_ms'] for b in base):.2f} ms; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
