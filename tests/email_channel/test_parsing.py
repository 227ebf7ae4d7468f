"""Parsing inbound email: which text becomes the inquiry, what is noted, what is recognised as automatic."""

from email.message import EmailMessage

from inquiries.mail_intake import html_to_text, parse_email
from inquiries.mail_intake.parse import BODY_MAX

from .conftest import make_email


def test_plain_text_email_gives_sender_subject_body_and_id():
    parsed = parse_email(bytes(make_email()))
    assert parsed.from_name == "Lea Learner"
    assert parsed.from_address == "lea@example.net"
    assert parsed.subject == "Cannot open notebook 3"
    assert parsed.body == "The kernel dies when I run cell 4."
    assert parsed.message_id == "<m1@example.net>"
    assert parsed.auto_reason == ""


def test_html_only_email_becomes_text_without_tags_or_scripts():
    message = make_email()
    message.set_content(
        "<p>Hello&nbsp;team,</p><p>I typed <b>&lt;script&gt;alert(1)&lt;/script&gt;</b> in the form."
        "<script>alert('x')</script><br>Thanks &amp; regards</p>",
        subtype="html",
    )
    body = parse_email(bytes(message)).body
    assert "<b>" not in body and "<p>" not in body
    assert "alert('x')" not in body  # a real script element is dropped with its content
    assert "<script>alert(1)</script>" in body  # what the sender wrote as text stays text
    assert "Thanks & regards" in body
    assert body.startswith("Hello\xa0team,")


def test_html_to_text_keeps_line_breaks():
    assert html_to_text("<div>one</div><div>two<br/>three</div>") == "one\ntwo\nthree"


def test_multipart_prefers_plain_text_and_notes_attachments():
    message = make_email(body="Plain version")
    message.add_alternative("<p>HTML version</p>", subtype="html")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="error-log.pdf")
    parsed = parse_email(bytes(message))
    assert parsed.body.startswith("Plain version")
    assert "HTML version" not in parsed.body
    assert parsed.attachments == ["error-log.pdf"]
    assert "[Attachments not imported: error-log.pdf]" in parsed.body


def test_encoded_headers_are_decoded():
    raw = (
        b"From: =?utf-8?q?Ren=C3=A9_M=C3=BCller?= <rene@example.net>\r\n"
        b"Subject: =?utf-8?b?w5xiZXJzZXR6dW5nIGZlaGx0?=\r\n"
        b"Message-ID: <enc@example.net>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Gr=C3=BC=C3=9Fe\r\n"
    )
    parsed = parse_email(raw)
    assert parsed.from_name == "René Müller"
    assert parsed.subject == "Übersetzung fehlt"
    assert parsed.body == "Grüße"


def test_script_tags_in_a_plain_text_body_stay_text():
    parsed = parse_email(bytes(make_email(body="<script>alert(document.cookie)</script>")))
    assert parsed.body == "<script>alert(document.cookie)</script>"


def test_message_without_message_id_gets_a_stable_hash_id():
    raw = bytes(make_email(message_id=None))
    first, second = parse_email(raw), parse_email(raw)
    assert first.message_id.startswith("sha256:")
    assert first.message_id == second.message_id
    assert parse_email(bytes(make_email(message_id=None, body="other"))).message_id != first.message_id


def test_oversized_body_is_truncated_to_the_model_limit_with_a_note():
    parsed = parse_email(bytes(make_email(body="x" * 50_000)))
    assert len(parsed.body) <= BODY_MAX
    assert "[Truncated: the email had 50000 characters" in parsed.body
    assert parsed.truncated_from == 50_000


def test_thread_ids_come_from_in_reply_to_and_references():
    message = make_email(In_Reply_To="<a@x>", References="<b@x> <a@x>")
    assert parse_email(bytes(message)).thread_ids == ["<a@x>", "<b@x>", "<a@x>"]


def test_automatic_mail_is_recognised():
    assert parse_email(bytes(make_email(Auto_Submitted="auto-replied"))).auto_reason
    assert parse_email(bytes(make_email(Precedence="bulk"))).auto_reason
    assert parse_email(bytes(make_email(Precedence="auto_reply"))).auto_reason
    assert parse_email(bytes(make_email(Precedence="list"))).auto_reason
    assert parse_email(bytes(make_email(sender="MAILER-DAEMON@mx.example.net"))).auto_reason
    assert parse_email(bytes(make_email(Auto_Submitted="no"))).auto_reason == ""


def test_delivery_report_is_automatic():
    message = EmailMessage()
    message["From"] = "Mail System <bounces@mx.example.net>"
    message["Subject"] = "Undelivered Mail"
    message["Message-ID"] = "<dsn@mx>"
    message.set_type("multipart/report")
    message.set_payload([])
    assert parse_email(message.as_bytes()).auto_reason == "delivery report"


def test_an_empty_text_part_next_to_html_reads_the_html():
    message = EmailMessage()
    message["From"] = "Lea <lea@example.net>"
    message["Subject"] = "HTML mail"
    message["Message-ID"] = "<html1@example.net>"
    message.set_content("")
    message.add_alternative("<p>The kernel <b>dies</b> in cell 4.</p>", subtype="html")
    parsed = parse_email(bytes(message))
    assert parsed.body == "The kernel dies in cell 4."
