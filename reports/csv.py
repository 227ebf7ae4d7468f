"""Reports as CSV: the JSON `rows`, one line each, with a header row of the same field names."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse

# A spreadsheet runs a cell that starts with one of these as a formula (`=HYPERLINK(...)`, `=cmd|...`).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """A text cell a spreadsheet shows as text: formula-like starts get a leading apostrophe (OWASP)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        # Team load's boosters: "ana (lse); ben (pyfit)".
        return inert("; ".join(f"{item['username']} ({item['team']})" for item in value))
    if isinstance(value, str):
        # Numbers stay numbers (a negative deviation is data); text written by people is made inert.
        return inert(value)
    return value


# The header of each report, also written when the period has no rows (a test keeps it equal to the JSON).
COLUMNS = {
    "load": [
        "member_id", "username", "name", "role", "percent_time", "primary_shifts", "primary_hours",
        "shift_calendar_hours", "fair_share", "deviation", "secondary_shifts", "secondary_fair_share",
        "secondary_deviation", "oncall_shifts", "oncall_calendar_hours", "responded", "resolved",
        "effort_hours", "effort_outside_shifts_hours", "sessions_held_hours", "direct_support_hours",
        "available_hours", "support_share_percent", "over_budget",
    ],
    "response-times": [
        "week", "iso_week", "received", "responded", "within_target", "within_target_percent",
        "within_guarantee", "within_guarantee_percent", "pending", "median_business_minutes",
        "p90_business_minutes", "median_calendar_minutes", "p90_calendar_minutes",
        "resolved_within_target", "resolved_within_target_percent",
    ],
    "cost": ["week", "iso_week", "partial", "primary_hours", "capacity_hours", "cost_percent"],
    "topics": [
        "topic_id", "topic", "count", "resolved", "effort_hours", "average_effort_minutes",
        "automation_candidate", "suggestion",
    ],
    "sessions": [
        "week", "iso_week", "learners", "sessions", "minutes_booked", "held", "minutes_held", "no_shows",
        "cancelled", "entitlement_minutes", "entitlement_used_percent",
    ],
    "team-load": [
        "team", "name", "members", "fte", "inquiries", "load", "median_of_others", "overloaded", "boosters",
    ],
}  # fmt: skip


def report_table(report: dict) -> tuple[list[str], list[list[object]]]:
    rows = report.get("rows") or []
    header = COLUMNS[report["report"]]
    return header, [[_cell(row[name]) for name in header] for row in rows]


def report_csv(report: dict) -> str:
    header, rows = report_table(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def csv_filename(report: dict) -> str:
    period = report.get("period", {})
    parts = [report["report"], report.get("team", "teams"), period.get("start", ""), period.get("end", "")]
    return "-".join(p for p in parts if p) + ".csv"


def csv_response(report: dict) -> HttpResponse:
    response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{csv_filename(report)}"'
    return response
