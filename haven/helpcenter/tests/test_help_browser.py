"""The help center's story in a real browser."""

import pytest

from haven.conftest import make_member
from haven.core.tests.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_searches_reads_and_votes_and_a_member_learns_about_blocking(browser, live_server):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(f"{live_server.url}/help")
    page.fill("input[name=q]", "harassed")
    page.click("main button:has-text('Search')")
    page.click("text=What should I do if I'm being harassed?")
    assert page.locator("h1").inner_text() == "What should I do if I'm being harassed?"
    page.click("#helpful button:has-text('Yes')")
    assert page.locator("#helpful-count").inner_text() == "1 out of 1 found this helpful"

    make_member("alice")
    make_member("bob")
    member = sign_in(browser, live_server, "alice")
    member.goto(f"{live_server.url}/u/bob")
    member.click("text=Learn more")
    assert member.locator("h1").inner_text() == "What happens when I block someone?"
