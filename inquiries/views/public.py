"""Public pages without an account: ask a question, follow it on the private tracking page."""

import datetime as dt

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from security.cleaning import CleanFormCharField
from shifts.business_time import BusinessCalendar
from shifts.models import Team, Topic
from supportops.errors import DomainError

from .. import services
from ..models import Inquiry
from ..selectors import inquiry_get_by_token, public_thread
from ..throttle import intake_check
from ._common import error_page, not_found_as_404


class AskForm(forms.Form):
    name = CleanFormCharField(max_length=120, label="Your name")
    email = forms.EmailField(max_length=254, label="Your email")
    subject = CleanFormCharField(max_length=200, label="Subject")
    body = CleanFormCharField(max_length=20000, label="Your question", widget=forms.Textarea, multiline=True)
    topic = forms.ModelChoiceField(queryset=Topic.objects.none(), required=False, label="Topic (optional)")
    # Honeypot: invisible to people, irresistible to bots. Anything in it rejects the submission.
    website = forms.CharField(required=False, label="Leave this empty")

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.filter(team=team).order_by("name")
        self.fields["topic"].empty_label = "— not sure —"

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError("This submission looks automated and was not accepted.")
        return cleaned


def ask_index(request: HttpRequest) -> HttpResponse:
    return render(request, "public/ask_index.html", {"teams": Team.objects.order_by("name")})


def ask_team(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_object_or_404(Team, slug=slug)
    if request.method != "POST":
        return render(request, "public/ask_form.html", {"team": team, "form": AskForm(team=team)})
    verdict = intake_check(request, team.slug)
    if not verdict.client_allowed:
        # The question being typed is shown back, so nothing is lost while the learner waits.
        kept = {k: request.POST.get(k, "")[:20000] for k in ("name", "email", "subject", "body")}
        return render(request, "public/throttled.html", {"team": team, "kept": kept}, status=429)
    if not verdict.team_allowed:
        kept = {k: request.POST.get(k, "")[:20000] for k in ("name", "email", "subject", "body")}
        return render(
            request, "public/throttled.html", {"team": team, "team_budget": True, "kept": kept}, status=429
        )
    form = AskForm(request.POST, team=team)
    if form.is_valid():
        data = form.cleaned_data
        try:
            inquiry = services.inquiry_create(
                team=team,
                subject=data["subject"],
                body=data["body"],
                requester_name=data["name"],
                requester_email=data["email"],
                topic=data["topic"],
                channel=Inquiry.Channel.WEB,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect(reverse("track", args=[inquiry.tracking_token]) + "?welcome=1")
    return render(request, "public/ask_form.html", {"team": team, "form": form}, status=400)


def _first_response_expectation(inquiry: Inquiry) -> dict | None:
    """When a learner can expect the first answer, and whether the team is closed until then."""
    if inquiry.status != Inquiry.Status.NEW or inquiry.response_due_at is None:
        return None
    calendar = BusinessCalendar.for_team(inquiry.team)
    now = timezone.now()
    opens = None if calendar.is_open(now) else calendar.next_opening(now)
    return {"due": inquiry.response_due_at, "closed_until": opens}


@not_found_as_404
def track(request: HttpRequest, token: str) -> HttpResponse:
    inquiry = inquiry_get_by_token(token=token)
    can_reopen = (
        inquiry.status == Inquiry.Status.RESOLVED
        and timezone.now() - inquiry.resolved_at <= dt.timedelta(days=services.REQUESTER_REOPEN_DAYS)
    )
    return render(
        request,
        "public/track.html",
        {
            "inquiry": inquiry,
            "thread": public_thread(inquiry=inquiry),
            "welcome": request.GET.get("welcome") == "1",
            "reply_sent": request.GET.get("sent") == "1",
            "expect": _first_response_expectation(inquiry),
            "tracking_url": services.tracking_url(inquiry),
            "can_reopen": can_reopen,
            "reopen_days": services.REQUESTER_REOPEN_DAYS,
        },
    )


@require_POST
@not_found_as_404
def track_reply(request: HttpRequest, token: str) -> HttpResponse:
    inquiry = inquiry_get_by_token(token=token)
    try:
        services.inquiry_requester_reply(inquiry=inquiry, body=request.POST.get("body", ""))
    except DomainError as exc:
        return error_page(request, exc, title="Your reply was not sent")
    return redirect(reverse("track", args=[token]) + "?sent=1#latest")


@require_POST
@not_found_as_404
def track_reopen(request: HttpRequest, token: str) -> HttpResponse:
    inquiry = inquiry_get_by_token(token=token)
    try:
        services.inquiry_reopen(inquiry=inquiry, by_requester=True, body=request.POST.get("body", ""))
    except DomainError as exc:
        return error_page(request, exc, title="The question was not reopened")
    return redirect("track", token=token)
