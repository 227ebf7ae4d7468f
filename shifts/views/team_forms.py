"""Translate the team settings form (plain HTML fields) into the service's data shape."""

from decimal import Decimal, InvalidOperation

from django.http import QueryDict

from security.cleaning import clean_line
from supportops.errors import InvalidInput

from ..coverage import WEEKDAYS


def coverage_rows(coverage: list[dict]) -> list[dict]:
    """One row per weekday with its windows as text, e.g. "09:00-12:00, 13:00-17:00"."""
    by_day: dict[int, list[str]] = {day: [] for day in range(7)}
    for window in coverage:
        by_day[window["weekday"]].append(f"{window['start']}-{window['end']}")
    return [{"weekday": day, "name": WEEKDAYS[day], "text": ", ".join(by_day[day])} for day in range(7)]


def coverage_from_form(post: QueryDict) -> list[dict]:
    windows = []
    for day in range(7):
        text = post.get(f"coverage_{day}", "").strip()
        for part in filter(None, (p.strip() for p in text.split(","))):
            start, sep, end = part.partition("-")
            if not sep:
                raise InvalidInput(
                    f"{WEEKDAYS[day]}: write windows as 09:00-12:00, 13:00-17:00 (got {part!r})."
                )
            windows.append({"weekday": day, "start": start.strip(), "end": end.strip()})
    return windows


def _optional_int(post: QueryDict, name: str) -> int | None:
    value = post.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(
            f"{name.replace('_', ' ')} must be a whole number, not {value!r}.", field=name
        ) from None


class TeamFormInvalid(InvalidInput):
    """Every bad field of the settings form at once (the page marks each and keeps what was typed)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()), field=next(iter(errors)))
        self.errors = errors


def _minutes(post: QueryDict, name: str) -> int | None:
    """A duration typed in hours on the page (`<name>_hours`, e.g. 4 or 1.5) or in minutes (API-like
    `<name>_minutes`); None when empty."""
    hours = post.get(f"{name}_hours", "").strip()
    if hours:
        try:
            value = Decimal(hours.replace(",", "."))
        except InvalidOperation:
            raise InvalidInput(
                f"{name.replace('_', ' ')} must be a number of hours, not {hours!r}.", field=f"{name}_minutes"
            ) from None
        if value <= 0:
            raise InvalidInput(
                f"{name.replace('_', ' ')} must be more than 0 hours.", field=f"{name}_minutes"
            )
        return int(value * 60)
    return _optional_int(post, f"{name}_minutes")


def team_data_from_form(post: QueryDict) -> dict:
    errors: dict[str, str] = {}
    data: dict = {
        "name": clean_line(post.get("name", "")),
        "timezone": post.get("timezone", "").strip(),
        "holidays": [d.strip() for d in post.get("holidays", "").split(",") if d.strip()],
        "holiday_country": post.get("holiday_country", "").strip().upper(),
        "holiday_subdivision": post.get("holiday_subdivision", "").strip().upper(),
        "webhook_url": post.get("webhook_url", "").strip(),
        "handoff_notifies_requester": post.get("handoff_notifies_requester") == "on",
        "topics": [clean_line(t) for t in post.get("topics", "").splitlines() if clean_line(t)],
    }

    def attempt(field: str, parse) -> None:
        try:
            parse()
        except InvalidInput as exc:
            errors.setdefault(exc.field or field, exc.message)

    if not data["name"]:
        errors["name"] = "A team needs a name."

    def resolution() -> None:
        data["resolution_target_minutes"] = _minutes(post, "resolution_target")

    attempt("resolution_target_minutes", resolution)
    attempt("mail_port", lambda: data.update(_mailbox_from_form(post)))
    attempt("session_minutes_per_week", lambda: data.update(_sessions_from_form(post)))

    def required(name: str) -> None:
        value = _minutes(post, name)
        if value is None or value < 1:
            raise InvalidInput(f"{name.replace('_', ' ')} must be more than 0.", field=f"{name}_minutes")
        data[f"{name}_minutes"] = value

    attempt("response_target_minutes", lambda: required("response_target"))
    attempt("response_guarantee_minutes", lambda: required("response_guarantee"))

    def budget() -> None:
        value = _optional_int(post, "support_budget_percent")
        if value is None or not 1 <= value <= 100:
            raise InvalidInput("support budget must be between 1 and 100 %.", field="support_budget_percent")
        data["support_budget_percent"] = value

    attempt("support_budget_percent", budget)
    # Beat keeps every rotation planned this many days ahead (SPEC 3.2); the service checks 7-366.
    if post.get("schedule_horizon_days", "").strip():
        attempt(
            "schedule_horizon_days",
            lambda: data.update(schedule_horizon_days=_optional_int(post, "schedule_horizon_days")),
        )

    def fruit() -> None:
        try:
            data["low_hanging_fruit_hours"] = Decimal(post.get("low_hanging_fruit_hours", "4").strip() or "4")
        except InvalidOperation:
            raise InvalidInput(
                "low-hanging fruit hours must be a number.", field="low_hanging_fruit_hours"
            ) from None

    attempt("low_hanging_fruit_hours", fruit)
    if errors:
        raise TeamFormInvalid(errors)
    return data


def _sessions_from_form(post: QueryDict) -> dict:
    """One-to-one sessions (SPEC 3.10); a field left out of the form keeps its value."""
    data: dict = {}
    for name in ("session_minutes_per_week", "session_length_minutes", "session_notice_minutes"):
        if name in post:
            value = _optional_int(post, name)
            data[name] = 0 if value is None and name == "session_minutes_per_week" else value
            if data[name] is None or data[name] < 0:
                raise InvalidInput(f"{name.replace('_', ' ')} must be a whole number.", field=name)
    if "session_video_url" in post:
        data["session_video_url"] = post.get("session_video_url", "").strip()
    return data


def _mailbox_from_form(post: QueryDict) -> dict:
    """The mailbox fields; the password field is empty on the page, and empty means "keep it"."""
    data: dict = {
        "mail_enabled": post.get("mail_enabled") == "on",
        "mail_host": post.get("mail_host", "").strip(),
        "mail_use_ssl": post.get("mail_use_ssl") == "on",
        "mail_username": post.get("mail_username", "").strip(),
        "mail_folder": post.get("mail_folder", "").strip() or "INBOX",
    }
    port = _optional_int(post, "mail_port")
    if port is not None:
        if not 1 <= port <= 65535:
            raise InvalidInput("mail port must be between 1 and 65535.", field="mail_port")
        data["mail_port"] = port
    if post.get("mail_password_clear") == "on":
        data["mail_password"] = ""
    elif post.get("mail_password", ""):
        data["mail_password"] = post["mail_password"]
    return data
