"""One team's slow webhook never delays anyone's mail (issue 9, item 7), with real processes: a worker
for `celery,notifications,sweeps` and another for `webhooks`, as Procfile.dev and docker-compose run
them, and beat sweeping every second."""

import http.server
import threading

import pytest

from notices.models import OutboundMessage
from tests.factories import OutboundMessageFactory
from tests.workers import test_integration
from tests.workers.test_integration import wait_for

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
stack = test_integration.stack


class HoldingReceiver(http.server.ThreadingHTTPServer):
    """A Slack-compatible receiver that keeps every request open until released."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Hold)
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.arrived = 0
        self.held = 0
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/slow"


class _Hold(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        server = self.server
        self.rfile.read(int(self.headers["Content-Length"]))
        with server.lock:
            server.arrived += 1
            server.held += 1
        server.release.wait(60)
        with server.lock:
            server.held -= 1
        try:
            self.send_response(200)
            self.end_headers()
        except OSError:
            pass  # the client gave up waiting

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def receiver():
    server = HoldingReceiver()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def test_a_slow_webhook_never_delays_another_teams_mail(stack, receiver):
    for i in range(4):
        OutboundMessageFactory(channel="webhook", to=receiver.url, payload={"text": f"slow {i}"})
    stack.worker("mail", queues="celery,notifications,sweeps")
    # Each post may be held 20 s: far longer than mail ever needs.
    stack.worker("hooks", queues="webhooks", WEBHOOK_TIMEOUT="20")
    stack.beat()
    wait_for(lambda: receiver.held > 0, what="the webhook worker to be stuck on the slow receiver")

    email = OutboundMessageFactory(
        channel="email", to="lea@example.net", subject="[ADS-1] We received your question", body="b"
    )
    wait_for(
        lambda: OutboundMessage.objects.filter(pk=email.pk, status="sent").exists(),
        what="the acknowledgement to be sent",
    )
    assert receiver.held > 0  # sent while the slow receiver still holds its request
    assert any("lea@example.net" in path.read_text() for path in stack.mail.iterdir())
    receiver.release.set()
