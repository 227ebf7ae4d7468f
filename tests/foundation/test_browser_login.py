import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_signs_in_and_sees_dashboard(page, browser_login, primary):
    browser_login(page, primary.user)
    assert page.locator("h1").first.inner_text() == "Dashboard"
    assert "Applied Data Science" in page.content()
