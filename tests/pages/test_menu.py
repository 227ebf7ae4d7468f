"""The header menu offers only pages the person may open: no link that ends on a 403 page."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _menu_links(html: str) -> list[str]:
    nav = html.split("<nav>", 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', nav)


def test_a_developer_is_not_offered_reports_and_every_menu_link_opens(client, primary):
    client.force_login(primary.user)
    links = _menu_links(client.get("/").content.decode())
    assert "/reports/" not in links and "/inquiries/" in links
    assert {link: client.get(link).status_code for link in links} == {link: 200 for link in links}
    assert client.get("/reports/").status_code == 403  # the page itself still refuses


def test_a_manager_and_a_superuser_are_offered_reports(client, manager, superuser):
    for user in (manager.user, superuser):
        client.force_login(user)
        links = _menu_links(client.get("/").content.decode())
        assert "/reports/" in links
        assert client.get("/reports/").status_code == 200 or user.is_superuser


def test_a_manager_who_stepped_down_loses_the_reports_link(client, manager):
    manager.role = "developer"
    manager.save()
    client.force_login(manager.user)
    assert "/reports/" not in _menu_links(client.get("/").content.decode())
