#!/usr/bin/env python3
"""Build teams through the API the way a manager would, for checking them with rotation_audit.py.

    python3 tests/manual/build_rotation_teams.py --url http://127.0.0.1:8000 --token KEY [--prefix rot]

Two teams (`<prefix>-ps`: primary scheduled first, `<prefix>-sp`: secondary first), each with a daily
primary and a weekly secondary (or the lengths and zone given), 6 members at 100/100/80/50/50/20 %,
absences, a late joiner and a leaver. Prints the audit command for each. Standard library only; not
collected by pytest.
"""

import argparse
import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from zoneinfo import ZoneInfo


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


def future_shifts(base, token, slug):
    """(role, starts_at) -> (member, ends_at) of the team's shifts from an hour from now (UTC ISO strings)."""
    since = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    out, path = {}, f"shifts/?team={slug}&starts_after={urllib.parse.quote(since)}"
    while path:
        page = call(base, token, "GET", path)
        for s in page["results"]:
            member = s["member"]["id"] if isinstance(s["member"], dict) else s["member"]
            start = dt.datetime.fromisoformat(s["starts_at"].replace("Z", "+00:00")).astimezone(dt.UTC)
            end = dt.datetime.fromisoformat(s["ends_at"].replace("Z", "+00:00")).astimezone(dt.UTC)
            out[(s["role"], start.isoformat())] = (member, end.isoformat())
        path = page.get("next")
        if path:
            path = path.split("/api/v1/", 1)[1]
    return out


def build(
    base,
    token,
    slug,
    first,
    zone="Europe/Zurich",
    lengths=(24 * 60, 7 * 24 * 60),
    absence_day=60,
    percents=(100, 100, 80, 50, 50, 20),
    around_the_clock=False,
):
    today = dt.datetime.now(ZoneInfo(zone)).date()  # the team's today: its rotations start on it
    until = (today + dt.timedelta(days=180)).isoformat()
    if around_the_clock:
        coverage = [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(7)]
    else:
        coverage = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
    call(
        base,
        token,
        "POST",
        "teams/",
        {"slug": slug, "name": slug.upper(), "timezone": zone, "coverage": coverage},
    )
    ids = []
    for i, pct in enumerate(percents):
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
    for role, length in zip(("primary", "secondary"), lengths, strict=True):
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
        # Continuity (SPEC 3.2): right after scheduling, a team in coverage has its Primary.
        oncall = call(base, token, "GET", f"teams/{slug}/oncall/")
        print(slug, f"after scheduling the {role}, on call now:", json.dumps(oncall)[:300])
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
    # THEN a week's absence of a full-time member (SPEC 3.2 stability: it may move at most
    # 2 x the shifts it collides with + 8 across both rotations).
    begin = dt.datetime.combine(today + dt.timedelta(days=absence_day), dt.time(0), dt.UTC)
    end = begin + dt.timedelta(days=7)
    before = future_shifts(base, token, slug)
    call(
        base,
        token,
        "POST",
        "absences/",
        {"member": ids[1], "starts_at": begin.isoformat(), "ends_at": end.isoformat()},
    )
    after = future_shifts(base, token, slug)
    colliding = sum(
        1
        for (_, s0), (m, s1) in before.items()
        if m == ids[1] and s0 < end.isoformat() and begin.isoformat() < s1
    )
    moved = sum(1 for key, (m, _) in after.items() if key in before and before[key][0] != m)
    print(slug, f"a week's absence: {moved} shifts moved, {colliding} colliding, allowed {2 * colliding + 8}")
    print(f"python3 /work/shared/tools/rotation_audit.py --url {base} --token TOKEN --team {slug}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--prefix", default="rot")
    ap.add_argument("--timezone", default="Europe/Zurich", help="the teams' zone")
    ap.add_argument("--primary-minutes", type=int, default=24 * 60)
    ap.add_argument("--secondary-minutes", type=int, default=7 * 24 * 60)
    ap.add_argument("--absence-day", type=int, default=60, help="the last absence begins this many days on")
    ap.add_argument("--percents", default="100,100,80,50,50,20", help="the members' percent-time (5 or more)")
    ap.add_argument("--around-the-clock", action="store_true", help="coverage 24/7 (default: weekdays 09-17)")
    a = ap.parse_args()
    lengths = (a.primary_minutes, a.secondary_minutes)
    percents = tuple(int(p) for p in a.percents.split(","))
    for slug, first in ((f"{a.prefix}-ps", "primary"), (f"{a.prefix}-sp", "secondary")):
        build(a.url, a.token, slug, first, a.timezone, lengths, a.absence_day, percents, a.around_the_clock)


if __name__ == "__main__":
    main()
