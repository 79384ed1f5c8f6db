"""The `browser` fixture: Playwright driving Debian's Chromium.

A test using it skips on a laptop without Chromium or Playwright; in CI
(CI=true) a missing browser or package fails instead.
"""

import os
import shutil

import pytest

from haven.conftest import PASSWORD

IN_CI = os.environ.get("CI", "").lower() == "true"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


@pytest.fixture
def browser():
    executable = _chromium()
    if not executable and not IN_CI:
        pytest.skip("Chromium is not installed (apt install chromium)")
    assert executable, "Chromium is required in CI"
    if IN_CI:
        from playwright import sync_api  # a missing package must fail in CI, not skip
    else:
        sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM
    # calls are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield instance
        instance.close()


def sign_in(browser, live_server, username: str):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(f"{live_server.url}/signin")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button:has-text('Sign in')")
    page.wait_for_url(f"{live_server.url}/")
    return page
