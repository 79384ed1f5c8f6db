"""End to end in a real browser (Debian's Chromium driven by Playwright).

Skips on a laptop without Chromium; in CI (CI=true) a missing browser fails.
"""

import pytest

from haven.chats.models import Message
from haven.conftest import make_member
from haven.core.tests.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_members_ask_share_and_chat_in_a_phone_sized_browser(browser, live_server):
    make_member("alice")
    make_member("bob", native=("fr",))
    alice = sign_in(browser, live_server, "alice")

    alice.goto(f"{live_server.url}/answers")
    alice.click("text=Ask a question")
    alice.fill("#id_title", "How do you say 'thank you' in French?")
    alice.fill("#id_body", "Formally and informally, please.")
    alice.click("main button:has-text('Post')")
    assert alice.locator("h1").inner_text() == "How do you say 'thank you' in French?"

    alice.goto(f"{live_server.url}/")
    alice.fill("#id_text", "Starting French today!")
    alice.click("main button:has-text('Share')")
    assert alice.locator("text=Starting French today!").is_visible()

    alice.goto(f"{live_server.url}/u/bob")
    alice.click("text=Message")
    alice.fill("#id_body", "Salut Bob !")
    alice.click("main button:has-text('Send')")
    assert alice.locator("#messages >> text=Salut Bob !").is_visible()

    bob = sign_in(browser, live_server, "bob")
    bob.goto(f"{live_server.url}/chats")
    assert bob.locator(".badge").inner_text() == "1"
    bob.click("text=Alice")
    bob.fill("#id_body", "Bonjour Alice")
    bob.click("main button:has-text('Send')")  # sent with htmx: no page load
    bob.locator("#messages >> text=Bonjour Alice").wait_for()
    assert Message.objects.filter(body="Bonjour Alice").exists()
    assert bob.input_value("#id_body") == ""

    no_sideways_scroll = "document.documentElement.scrollWidth <= window.innerWidth"
    for page in (alice, bob):
        assert page.evaluate(no_sideways_scroll)
