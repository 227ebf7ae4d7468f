import pytest
from django.apps import apps
from django.contrib import admin

APPS = ("shifts", "inquiries", "postmortems", "notices", "audit")


def test_every_model_has_an_admin():
    missing = [
        model._meta.label
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        if not admin.site.is_registered(model)
    ]
    assert missing == []


@pytest.mark.django_db
def test_every_admin_changelist_renders(client, superuser):
    client.force_login(superuser)
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
            assert client.get(url).status_code == 200, url
