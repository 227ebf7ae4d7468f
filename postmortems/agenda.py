"""The managers' meeting agenda: the team's postmortems in review as a plain-text Markdown document,
and the one way to turn Markdown into HTML safe to put in a page."""

import re
import zoneinfo

import markdown
import nh3
from django.utils import timezone

from shifts.models import Team

from .models import Postmortem, Recommendation
from .selectors import postmortems_in_review

# Characters that would change an inline Markdown span (emphasis, code, links) if left bare.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")


def _inline(text: str) -> str:
    """One line of user text inside a Markdown line: newlines folded, emphasis and link syntax escaped."""
    return _INLINE_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def _block(text: str) -> str:
    """A user's multi-line text is Markdown already (lists, emphasis); headings are demoted so they
    cannot break the agenda's outline."""
    lines = [re.sub(r"^(\s{0,3})#", r"\1\\#", line) for line in (text or "").strip().splitlines()]
    return "\n".join(lines) if lines else "_Not written yet._"


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f} h"


STATUS_BOX = {
    Recommendation.Status.OPEN: "[ ]",
    Recommendation.Status.DONE: "[x]",
    Recommendation.Status.DROPPED: "[-]",
}


def _recommendation(rec: Recommendation) -> str:
    owner = _inline(rec.owner.display_name) if rec.owner else "**no owner**"
    due = f"due {rec.due_date.isoformat()}" if rec.due_date else "**no due date**"
    backlog = " — in the backlog" if rec.improvement_id else ""
    box = STATUS_BOX[rec.status]
    return f"- {box} {_inline(rec.description)} — owner: {owner}, {due} ({rec.status}){backlog}"


def _section(number: int, postmortem: Postmortem, tz: zoneinfo.ZoneInfo) -> list[str]:
    references = ", ".join(i.reference for i in postmortem.inquiries.all()) or "none"
    people = postmortem.people_count
    who = "person" if people == 1 else "people"
    lines = [
        f"## {number}. {_inline(postmortem.title)}",
        "",
        f"- **Inquiries:** {references}",
        f"- **Submitted:** {timezone.localtime(postmortem.submitted_at, tz):%Y-%m-%d %H:%M %Z}"
        if postmortem.submitted_at
        else "- **Submitted:** —",
        f"- **Effort:** {_hours(postmortem.effort_minutes)} by {people} {who}",
    ]
    if postmortem.resources_note.strip():
        lines.append(f"- **Other resources:** {_inline(postmortem.resources_note)}")
    lines += ["", "### Summary", "", _block(postmortem.summary), ""]
    lines += ["### Impact", "", _block(postmortem.impact), ""]
    lines += ["### Root causes", "", _block(postmortem.root_causes), ""]
    lines += ["### Timeline", ""]
    milestones = list(postmortem.milestones.all())
    lines += [
        f"- {timezone.localtime(m.at, tz):%Y-%m-%d %H:%M %Z} — {_inline(m.description)}" for m in milestones
    ] or ["_No milestones._"]
    lines += ["", "### Recommendations", ""]
    lines += [_recommendation(r) for r in postmortem.recommendations.all()] or ["_None yet._"]
    lines.append("")
    return lines


def postmortem_agenda(*, team: Team) -> str:
    """The agenda of the team's next postmortem review as Markdown (a fixed number of queries). A document
    the team shares, so its times are the team's, each labelled with the zone."""
    tz = zoneinfo.ZoneInfo(team.timezone)
    postmortems = list(postmortems_in_review(team=team))
    now = timezone.localtime(timezone.now(), tz)
    count = len(postmortems)
    lines = [
        f"# Postmortem review — {_inline(team.name)}",
        "",
        f"Agenda of {now:%Y-%m-%d %H:%M %Z} ({team.timezone}): "
        f"{count} postmortem{'' if count == 1 else 's'} in review.",
        "",
    ]
    if not postmortems:
        lines += ["Nothing to discuss: no postmortem is in review.", ""]
    for number, postmortem in enumerate(postmortems, start=1):
        lines += _section(number, postmortem, tz)
    return "\n".join(lines).rstrip() + "\n"


ALLOWED_TAGS = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote"}
ALLOWED_TAGS |= {"a", "br", "hr"}


def markdown_to_safe_html(text: str) -> str:
    """Markdown → HTML with raw HTML in the source shown as text, then sanitized by nh3 as a second wall
    (it also drops javascript: links that Markdown link syntax could produce)."""
    md = markdown.Markdown(extensions=["sane_lists"])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    html = md.convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
