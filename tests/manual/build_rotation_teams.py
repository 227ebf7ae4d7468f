#!/usr/bin/env python3
"""Build teams through the API the way a manager would, for checking them with rotation_audit.py.

    python3 tests/manual/build_rotation_teams.py --url http://127.0.0.1:8000 --token KEY [--prefix rot]

Two teams (`<prefix>-ps`: primary scheduled first, `<prefix>-sp`: secondary first), each with a daily
primary and a weekly secondary, 6 members at 100/100/80/50/50/20 %, absences, a late joiner and a
leaver. Prints the audit command for each. Standard library only; not collected by pytest.
"""

import argparse
import datetime as dt
import json
import urllib.error
import urllib.request


def call(base, token, method, path, body=None):
    req = urllib.request.Request(
        base.rstrip("/") + "/api/v1/" + path.lstrip("/"),
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            raw = r.read()
            return json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{method} {path}: {e.code} {e.read()[:500]!r}") from None


def build(base, token, slug, first):
    today = dt.date.today()
    until = (today + dt.timedelta(days=180)).isoformat()
    coverage = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
    call(
        base,
        token,
        "POST",
        "teams/",
        {"slug": slug, "name": slug.upper(), "timezone": "Europe/Zurich", "coverage": coverage},
    )
    ids = []
    for i, pct in enumerate([100, 100, 80, 50, 50, 20]):
        m = call(
            base,
            token,
            "POST",
            f"teams/{slug}/members/",
            {
                "username": f"{slug}-m{i}",
                "email": f"{slug}-m{i}@example.org",
                "name": f"M{i} {pct}%",
                "percent_time": pct,
            },
        )
        ids.append(m["id"])
    rotations = {}
    for role, length in (("primary", 24 * 60), ("secondary", 7 * 24 * 60)):
        rotations[role] = call(
            base,
            token,
            "POST",
            f"teams/{slug}/rotations/",
            {
                "role": role,
                "shift_length_minutes": length,
                "handoff_time": "09:00",
                "starts_on": today.isoformat(),
                "members": ids,
            },
        )["id"]
    for role in (first, "secondary" if first == "primary" else "primary"):
        call(base, token, "POST", f"teams/{slug}/rotations/{rotations[role]}/schedule/", {"until": until})
    oncall = call(base, token, "GET", f"teams/{slug}/oncall/")
    print(slug, "on call now:", (oncall.get("primary") or {}).get("username") if oncall else None)
    # Absences: a week for a full-time member in three weeks, three days for a half-time one.
    for member, start, days in ((ids[0], 21, 7), (ids[4], 40, 3), (ids[2], 60, 1)):
        begin = dt.datetime.combine(today + dt.timedelta(days=start), dt.time(0), dt.UTC)
        call(
            base,
            token,
            "POST",
            "absences/",
            {
                "member": member,
                "starts_at": begin.isoformat(),
                "ends_at": (begin + dt.timedelta(days=days)).isoformat(),
            },
        )
    # A late joiner in both rotations, then a leaver.
    late = call(
        base,
        token,
        "POST",
        f"teams/{slug}/members/",
        {
            "username": f"{slug}-late",
            "email": f"{slug}-late@example.org",
            "name": "Late 60%",
            "percent_time": 60,
        },
    )["id"]
    for role in rotations:
        call(base, token, "PATCH", f"teams/{slug}/rotations/{rotations[role]}/", {"members": [*ids, late]})
    call(base, token, "DELETE", f"teams/{slug}/members/{ids[3]}/")
    print(f"python3 /work/shared/tools/rotation_audit.py --url {base} --token TOKEN --team {slug}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--prefix", default="rot")
    a = ap.parse_args()
    build(a.url, a.token, f"{a.prefix}-ps", "primary")
    build(a.url, a.token, f"{a.prefix}-sp", "secondary")


if __name__ == "__main__":
    main()
