"""GitHub as a first-contact channel, driven by GitHub's published webhook payloads, really signed."""

import copy

import pytest

from inquiries import services as inquiry_services
from inquiries.models import Event, Inquiry, Message
from integrations import services
from integrations.models import Delivery, Link
from notices.delivery import deliver_pending
from notices.models import OutboundMessage

from .conftest import SECRET, published, signature

pytestmark = pytest.mark.django_db


def only_inquiry() -> Inquiry:
    assert Inquiry.objects.count() == 1
    return Inquiry.objects.get()


def test_an_opened_issue_becomes_a_github_inquiry_for_the_primary(github, deliver_github, primary):
    response = deliver_github(github, "issues", published("issues_opened"))

    assert response.status_code == 201, response.content
    inquiry = only_inquiry()
    issue = published("issues_opened")["issue"]
    assert inquiry.channel == "github"
    assert inquiry.subject == issue["title"]
    assert inquiry.body == issue["body"].strip()
    assert inquiry.requester_name == "Codertocat"
    assert inquiry.requester_email == ""
    assert inquiry.source_url == "https://github.com/Codertocat/Hello-World/issues/1"
    assert inquiry.assignee == primary
    assert inquiry.response_due_at is not None
    assert response.json()["inquiry"] == inquiry.reference
    # No acknowledgement email: GitHub users have no address here. The Primary is told, as always.
    assert not OutboundMessage.objects.filter(channel="email", to="").exists()
    assert OutboundMessage.objects.filter(channel="email", to=primary.user.email).count() == 1
    github.refresh_from_db()
    assert github.last_received_at is not None and github.last_error == ""
    delivery = Delivery.objects.get()
    assert delivery.event == "issues" and delivery.outcome == "created" and delivery.inquiry == inquiry
    assert delivery.headers["X-Github-Event"] == "issues"


def test_an_issue_with_an_empty_body_says_no_description(github, deliver_github):
    deliver_github(github, "issues", published("issues_opened.with-empty-body"))

    assert only_inquiry().body == "(no description)"


def test_a_redelivery_is_processed_once(github, deliver_github):
    payload = published("issues_opened")
    first = deliver_github(github, "issues", payload, delivery="72d3162e-cc78-11e3-81ab-4c9367dc0958")
    again = deliver_github(github, "issues", payload, delivery="72d3162e-cc78-11e3-81ab-4c9367dc0958")

    assert first.status_code == 201
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert Inquiry.objects.count() == 1 and Delivery.objects.count() == 1


def test_the_same_issue_delivered_under_a_new_id_is_still_one_inquiry(github, deliver_github):
    deliver_github(github, "issues", published("issues_opened"))
    response = deliver_github(github, "issues", published("issues_opened"))

    assert response.status_code == 200 and response.json()["status"] == "ignored"
    assert Inquiry.objects.count() == 1


@pytest.mark.parametrize(
    ("sign", "status"),
    [(None, 401), ("sha256=" + "0" * 64, 403), ("sha1=deadbeef", 403)],
    ids=["missing", "wrong", "wrong-algorithm"],
)
def test_a_bad_or_missing_signature_is_refused_and_stores_nothing(github, deliver_github, sign, status):
    if sign is None:
        response = deliver_github(github, "issues", published("issues_opened"), secret=None)
    else:
        response = deliver_github(github, "issues", published("issues_opened"), sign=sign)

    assert response.status_code == status
    assert "X-Hub-Signature-256" in response.json()["detail"]
    assert Inquiry.objects.count() == 0 and Delivery.objects.count() == 0
    github.refresh_from_db()
    assert "X-Hub-Signature-256" in github.last_error


def test_a_signature_made_with_another_secret_is_refused(github, deliver_github):
    response = deliver_github(github, "issues", published("issues_opened"), secret="not the secret")

    assert response.status_code == 403
    assert Inquiry.objects.count() == 0


def test_without_a_secret_no_signature_is_needed(on_shift, deliver_github):
    open_hook = services.integration_create(team=on_shift, data={"kind": "github", "name": "open"})

    assert deliver_github(open_hook, "issues", published("issues_opened"), secret=None).status_code == 201


def test_unknown_token_is_404_and_malformed_json_is_400(github, client):
    unknown = client.post("/hooks/nope/", b"{}", content_type="application/json", HTTP_X_GITHUB_EVENT="ping")
    body = b'{"action": "opened", '
    malformed = client.post(
        f"/hooks/{github.token}/",
        body,
        content_type="application/json",
        HTTP_X_GITHUB_EVENT="issues",
        HTTP_X_HUB_SIGNATURE_256=signature(SECRET, body),
    )

    assert unknown.status_code == 404
    assert malformed.status_code == 400 and "Malformed JSON" in malformed.json()["detail"]
    assert Delivery.objects.count() == 0 and Inquiry.objects.count() == 0


def test_a_get_is_405_and_a_paused_integration_is_404(github, client, deliver_github):
    assert client.get(f"/hooks/{github.token}/").status_code == 405
    services.integration_update(integration=github, data={"active": False})

    assert deliver_github(github, "ping", published("ping")).status_code == 404


def test_ping_answers_2xx_and_creates_nothing(github, deliver_github):
    response = deliver_github(github, "ping", published("ping"))

    assert response.status_code == 200 and response.json()["status"] == "ignored"
    assert Inquiry.objects.count() == 0
    assert Delivery.objects.get().detail.startswith("ping: ")


def test_the_authors_comment_is_a_requester_reply(github, deliver_github, primary):
    deliver_github(github, "issues", published("issues_opened"))
    inquiry = only_inquiry()
    inquiry_services.inquiry_respond(inquiry=inquiry, actor=primary.user, body="Which version?")
    inquiry_services.inquiry_wait(inquiry=inquiry, actor=primary.user)

    response = deliver_github(github, "issue_comment", published("issue_comment_created"))

    assert response.status_code == 200, response.content
    inquiry.refresh_from_db()
    assert inquiry.status == "responded"  # back from waiting, as from the tracking page
    reply = inquiry.messages.order_by("-id").first()
    assert reply.kind == Message.Kind.REQUEST
    assert reply.body == published("issue_comment_created")["comment"]["body"]


def test_someone_elses_comment_is_an_internal_note_naming_them(github, deliver_github):
    deliver_github(github, "issues", published("issues_opened"))
    # The published example's commenter is the issue's author; the same payload from another account:
    payload = copy.deepcopy(published("issue_comment_created"))
    payload["comment"]["user"]["login"] = "octocat-maintainer"

    deliver_github(github, "issue_comment", payload)

    note = only_inquiry().messages.get(kind=Message.Kind.NOTE)
    assert "@octocat-maintainer" in note.body
    assert payload["comment"]["body"] in note.body
    assert only_inquiry().status == "new"


def test_a_comment_on_an_untracked_issue_is_ignored(github, deliver_github):
    response = deliver_github(github, "issue_comment", published("issue_comment_created"))

    assert response.status_code == 200 and response.json()["status"] == "ignored"
    assert Inquiry.objects.count() == 0


def test_closing_records_an_event_and_reopening_reopens(github, deliver_github, primary):
    deliver_github(github, "issues", published("issues_opened"))
    inquiry = only_inquiry()
    # GitHub publishes no `closed` example; it is the `reopened` one with the other action and state.
    closed = copy.deepcopy(published("issues_reopened"))
    closed["action"], closed["issue"]["state"] = "closed", "closed"

    deliver_github(github, "issues", closed)
    inquiry.refresh_from_db()
    assert inquiry.status == "new"
    assert Event.objects.filter(inquiry=inquiry, kind="github_closed").count() == 1

    inquiry_services.inquiry_resolve(inquiry=inquiry, actor=primary.user, kind="answered")
    deliver_github(github, "issues", published("issues_reopened"))

    inquiry.refresh_from_db()
    assert inquiry.status == "new"
    assert Event.objects.filter(inquiry=inquiry, kind="reopened").count() == 1
    assert Event.objects.filter(inquiry=inquiry, kind="github_reopened").count() == 1


def test_edited_and_labeled_are_events_on_the_tracked_issue(github, deliver_github):
    deliver_github(github, "issues", published("issues_opened"))
    deliver_github(github, "issues", published("issues_edited"))
    deliver_github(github, "issues", published("issues_labeled"))

    kinds = list(only_inquiry().events.values_list("kind", flat=True))
    assert "github_edited" in kinds and "github_labeled" in kinds


def test_the_label_filter_keeps_other_issues_out_until_labelled(on_shift, deliver_github):
    hook = services.integration_create(
        team=on_shift, data={"kind": "github", "name": "filtered", "secret": SECRET, "labels": ["support"]}
    )
    opened = deliver_github(hook, "issues", published("issues_opened"))  # labelled "bug" only
    assert opened.json()["status"] == "ignored" and Inquiry.objects.count() == 0

    labeled = copy.deepcopy(published("issues_labeled"))
    labeled["label"]["name"] = "support"
    labeled["issue"]["labels"].append(dict(labeled["issue"]["labels"][0], name="support"))
    assert deliver_github(hook, "issues", labeled).status_code == 201
    assert only_inquiry().channel == "github"


def test_a_discussion_and_its_comments_and_answer(github, deliver_github):
    assert deliver_github(github, "discussion", published("discussion_created")).status_code == 201
    inquiry = only_inquiry()
    assert inquiry.source_url == "https://github.com/Codertocat/Hello-World/discussions/4"
    assert Link.objects.get(inquiry=inquiry).node_id == "MDEwOkRpc2N1c3Npb24zMjk5NjE0"

    deliver_github(github, "discussion_comment", published("discussion_comment_created"))
    deliver_github(github, "discussion", published("discussion_answered"))

    assert inquiry.messages.filter(kind=Message.Kind.REQUEST, body="ANSWER").exists()
    assert Event.objects.filter(inquiry=inquiry, kind="github_answered").count() == 1


def test_replies_are_posted_back_as_comments_through_the_outbox(
    on_shift, deliver_github, github_api, primary
):
    hook = services.integration_create(
        team=on_shift,
        data={
            "kind": "github",
            "name": "ghe",
            "secret": SECRET,
            "access_token": "ghp_standin_token",
            "api_url": github_api.url + "/api/v3",
        },
    )
    deliver_github(hook, "issues", published("issues_opened"))
    inquiry = only_inquiry()

    inquiry_services.inquiry_respond(inquiry=inquiry, actor=primary.user, body="Thanks, fixing the typo.")
    inquiry_services.inquiry_add_note(inquiry=inquiry, actor=primary.user, body="internal: never posted")
    deliver_pending()

    [posted] = github_api.requests
    assert posted["path"] == "/api/v3/repos/Codertocat/Hello-World/issues/1/comments"
    assert posted["headers"]["Authorization"] == "Bearer ghp_standin_token"
    assert posted["json"]["body"].startswith("Thanks, fixing the typo.")
    message = OutboundMessage.objects.get(channel="github")
    assert message.status == "sent"
    # The token is read from the integration when sending; the outbox row never holds it.
    assert "ghp_standin_token" not in str(message.payload)

    # GitHub then delivers our own comment back: it is recognised and not filed as someone's note.
    echo = copy.deepcopy(published("issue_comment_created"))
    echo["comment"]["user"]["login"] = "supportops-bot"
    echo["comment"]["body"] = posted["json"]["body"]
    assert deliver_github(hook, "issue_comment", echo).json()["status"] == "ignored"
    assert not inquiry.messages.filter(kind=Message.Kind.NOTE, body__contains="supportops-bot").exists()


def test_a_failed_post_back_is_retried(on_shift, deliver_github, github_api, primary):
    github_api.status = 502
    hook = services.integration_create(
        team=on_shift,
        data={"kind": "github", "name": "r", "access_token": "t", "api_url": github_api.url},
    )
    deliver_github(hook, "issues", published("issues_opened"), secret=None)
    inquiry_services.inquiry_respond(inquiry=only_inquiry(), actor=primary.user, body="On it.")

    assert deliver_pending()["failed"] == 1  # the Primary's "assigned" email goes out; the comment fails
    message = OutboundMessage.objects.get(channel="github")
    assert message.status == "pending" and "502" in message.last_error
    github_api.status = 201
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    assert deliver_pending()["sent"] == 1
    assert len(github_api.requests) == 2


def test_a_discussion_reply_goes_through_graphql(on_shift, deliver_github, github_api, primary):
    hook = services.integration_create(
        team=on_shift, data={"kind": "github", "name": "d", "access_token": "t", "api_url": github_api.url}
    )
    deliver_github(hook, "discussion", published("discussion_created"), secret=None)
    inquiry_services.inquiry_respond(inquiry=only_inquiry(), actor=primary.user, body="See the docs.")
    deliver_pending()

    [posted] = github_api.requests
    assert posted["path"] == "/graphql"
    assert posted["json"]["variables"]["id"] == "MDEwOkRpc2N1c3Npb24zMjk5NjE0"
    assert "addDiscussionComment" in posted["json"]["query"]


def test_without_an_access_token_replies_stay_here(github, deliver_github, primary):
    deliver_github(github, "issues", published("issues_opened"))
    inquiry_services.inquiry_respond(inquiry=only_inquiry(), actor=primary.user, body="Hello")

    assert not OutboundMessage.objects.filter(channel="github").exists()
    assert not OutboundMessage.objects.filter(to="").exists()


def test_the_inquiry_page_links_the_issue(github, deliver_github, primary, client):
    deliver_github(github, "issues", published("issues_opened"))
    client.force_login(primary.user)

    page = client.get(f"/inquiries/{only_inquiry().reference}/")

    assert 'href="https://github.com/Codertocat/Hello-World/issues/1"' in page.content.decode()


def test_a_delivery_that_cannot_be_applied_is_recorded_as_failed_and_a_redelivery_retries(
    github, deliver_github
):
    broken = copy.deepcopy(published("issues_opened"))
    broken["issue"]["html_url"] = "javascript:alert(1)"

    refused = deliver_github(github, "issues", broken, delivery="d-1")

    assert refused.status_code == 422 and "source URL" in refused.json()["detail"]
    assert Inquiry.objects.count() == 0
    failed = Delivery.objects.get()
    assert (failed.outcome, failed.status_code) == ("failed", 422)
    github.refresh_from_db()
    assert "source URL" in github.last_error

    retried = deliver_github(github, "issues", published("issues_opened"), delivery="d-1")
    assert retried.status_code == 201
    assert Delivery.objects.get().outcome == "created" and Inquiry.objects.count() == 1


def test_an_unexpected_error_answers_202_never_500(github, deliver_github, monkeypatch):
    from integrations.services import github as github_service

    def explode(**kwargs):
        raise RuntimeError("handler bug")

    monkeypatch.setattr(github_service, "github_handle", explode)

    response = deliver_github(github, "issues", published("issues_opened"))

    assert response.status_code == 202 and "handler bug" in response.json()["detail"]
    assert Delivery.objects.get().outcome == "failed" and Inquiry.objects.count() == 0


def test_a_redirect_is_not_followed_with_the_token(on_shift, deliver_github, github_api, primary):
    github_api.status = 301
    hook = services.integration_create(
        team=on_shift,
        data={"kind": "github", "name": "moved", "access_token": "t", "api_url": github_api.url},
    )
    deliver_github(hook, "issues", published("issues_opened"), secret=None)
    inquiry_services.inquiry_respond(inquiry=only_inquiry(), actor=primary.user, body="Hi")

    deliver_pending()

    assert len(github_api.requests) == 1
    message = OutboundMessage.objects.get(channel="github")
    assert message.status == "pending" and "301" in message.last_error


def test_the_comment_sweep_sends_only_due_github_rows(on_shift, deliver_github, github_api, primary):
    from integrations.services.comments import comments_deliver_pending

    hook = services.integration_create(
        team=on_shift, data={"kind": "github", "name": "s", "access_token": "t", "api_url": github_api.url}
    )
    deliver_github(hook, "issues", published("issues_opened"), secret=None)
    inquiry_services.inquiry_respond(inquiry=only_inquiry(), actor=primary.user, body="Swept.")

    assert comments_deliver_pending() == {"sent": 1, "failed": 0, "gave_up": 0, "skipped": 0}
    assert comments_deliver_pending()["sent"] == 0
    assert OutboundMessage.objects.filter(channel="email", status="pending").exists()  # not its business
    assert len(github_api.requests) == 1


@pytest.mark.django_db
def test_beat_sweeps_github_comments():
    from integrations.tasks import deliver_pending_comments
    from supportops.celery import _schedule_periodic_tasks, app

    _schedule_periodic_tasks(app)  # what the app does when it is finalized (worker, beat)
    entry = app.conf.beat_schedule["github-comment-sweep"]
    assert entry["task"] == "integrations.tasks.deliver_pending_comments"
    assert app.tasks[entry["task"]].name == deliver_pending_comments.name
    assert deliver_pending_comments() == {"sent": 0, "failed": 0, "gave_up": 0, "skipped": 0}
