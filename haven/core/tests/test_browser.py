"""End to end in a real browser (Debian's Chromium driven by Playwright).

Skips on a laptop without Chromium; in CI (CI=true) a missing browser fails.
"""

import os
import shutil

import pytest

from haven.chats.models import Message
from haven.conftest import PASSWORD, make_member

CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
IN_CI = os.environ.get("CI", "").lower() == "true"

if not CHROMIUM and not IN_CI:
    pytest.skip("Chromium is not installed (apt install chromium)", allow_module_level=True)

if IN_CI:
    from playwright import sync_api  # a missing package must fail in CI, not skip
else:
    sync_api = pytest.importorskip("playwright.sync_api")

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made
# by the test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser():
    assert CHROMIUM, "Chromium is required in CI"
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


def _sign_in(browser, live_server, username):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(f"{live_server.url}/signin")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button:has-text('Sign in')")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_members_ask_share_and_chat_in_a_phone_sized_browser(browser, live_server):
    make_member("alice")
    make_member("bob", native=("fr",))
    alice = _sign_in(browser, live_server, "alice")

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

    bob = _sign_in(browser, live_server, "bob")
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
