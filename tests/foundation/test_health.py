import pytest


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_database_and_broker(client, settings):
    response = client.get("/readyz")
    assert response.json()["checks"]["database"] == "ok"
    assert response.status_code in (200, 503)


@pytest.mark.django_db
def test_login_page_and_schema(client, primary):
    assert client.get("/accounts/login/").status_code == 200
    client.force_login(primary.user)
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200
    assert client.get("/").status_code == 200
