"""Security headers on every page (issue 12): a Content Security Policy that allows no
inline script, no framing, no sniffing, a strict referrer policy; and templates that
never need more (no inline script, handler or style the policy would block)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = ["/", "/help", "/members", "/settings", "/settings/password", "/chats"]
SIGNED_OUT_PAGES = ["/", "/signin", "/signup", "/help", "/password-reset"]


def _policy(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.parametrize(
    ("path", "signed_in"),
    [(p, True) for p in SIGNED_IN_PAGES] + [(p, False) for p in SIGNED_OUT_PAGES],
)
def test_every_page_sends_the_security_headers(web, alice, path, signed_in):
    response = (web(alice) if signed_in else Client()).get(path)
    assert response.status_code == 200, path
    policy = _policy(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_api_is_not_sniffed_or_framed(api, alice):
    response = api(alice).get("/me")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def _templates() -> list[Path]:
    base = Path(settings.BASE_DIR) / "haven"
    return sorted(base.rglob("templates/**/*.html"))


def test_no_template_needs_inline_script_or_style():
    """The policy would block these; a page that needed one would break silently."""
    banned = {
        "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
        "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
        "style attribute or element": re.compile(r"<style\b|<[a-z][^>]*\sstyle\s*=", re.I),
        "javascript: URL": re.compile(r"javascript:", re.I),
    }
    templates = _templates()
    assert len(templates) > 50
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {what}"
        for path in templates
        for what, pattern in banned.items()
        if pattern.search(path.read_text())
    ]
    assert found == []
