"""An empty POST to a form is a bound form with nothing in it: 400 naming the required
fields (it once left the form unbound, so the report form answered 500)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

FORMS = [
    "/u/bob/report",
    "/settings/password",
    "/settings/email",
    "/settings/data",
    "/discussions/new",
    "/support",
]


@pytest.mark.parametrize("url", FORMS)
def test_an_empty_post_names_the_required_fields(web, alice, bob, url):
    response = web(alice).post(url, {})
    assert response.status_code == 400
    assert b"This field is required." in response.content
