"""The API describes itself, serves its docs from Haven itself and speaks one error format."""

import re

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_openapi_document_lists_every_surface():
    response = Client().get("/api/openapi.json", follow=True)
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/auth/signup",
        "/api/v1/auth/token",
        "/api/v1/me",
        "/api/v1/me/tokens",
        "/api/v1/members/{username}",
        "/api/v1/posts",
        "/api/v1/posts/{post_id}/comments",
        "/api/v1/timeline",
        "/api/v1/members/{username}/timeline",
        "/api/v1/feed",
        "/api/v1/chats",
        "/api/v1/chats/{chat_id}/messages",
        "/api/v1/friend-requests",
        "/api/v1/me/friends",
    ):
        assert path in paths, path
    schemes = response.json()["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_every_operation_documents_the_503_of_a_database_outage():
    paths = Client().get("/api/openapi.json", follow=True).json()["paths"]
    operations = [op for ops in paths.values() for op in ops.values()]
    assert len(operations) > 80
    for operation in operations:
        unavailable = operation["responses"]["503"]
        assert "Retry-After" in unavailable["headers"], operation["operationId"]
        schema = unavailable["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorOut"}


def test_interactive_docs_load_their_assets_from_haven_not_a_cdn():
    page = Client().get("/api/docs", follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_pages_load_htmx_from_haven_not_a_cdn():
    html = Client().get("/").content.decode()
    assert "/static/django_htmx/htmx" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


@override_settings(DEBUG=False)
def test_an_unknown_api_url_answers_in_the_error_format():
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_an_unknown_page_is_a_friendly_404():
    response = Client().get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_nul_characters_get_a_400_not_a_database_error(alice, api):
    client = api(alice)
    response = client.post("/posts", {"space": "answers", "title": "a\x00b", "body": "x"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert client.get("/members/al%00ice").status_code == 400
    assert client.get("/posts", {"space": "answers\x00"}).status_code == 400
    assert Client().get("/u/al%00ice").status_code == 400


def _lists(document: dict) -> list[tuple[str, dict]]:
    """(path, operation) of every GET that pages with a cursor."""
    found = []
    for path, item in document["paths"].items():
        operation = item.get("get")
        names = {p["name"] for p in (operation or {}).get("parameters", [])}
        if "cursor" in names:
            found.append((path, operation))
    return found


def test_every_list_refuses_a_limit_out_of_range_with_a_field_message(ada, api):
    document = Client().get("/api/openapi.json", follow=True).json()
    lists = _lists(document)
    assert len(lists) >= 15
    client = api(ada)
    tried = 0
    for path, operation in lists:
        limit = next(p for p in operation["parameters"] if p["name"] == "limit")
        number = limit["schema"]["anyOf"][0]
        assert (number["minimum"], number["maximum"]) == (1, 100), path
        required = [p for p in operation["parameters"] if p.get("required")]
        if "{" in path or required:
            continue  # needs an object; the parameter is the same shared definition
        tried += 1
        url = path.removeprefix("/api/v1")
        for bad in (-1, 0, 101, 1_000_000):
            response = client.get(url, {"limit": bad})
            assert response.status_code == 400, (url, bad, response.content[:200])
            assert "limit" in response.json()["error"]["fields"], url
        assert client.get(url, {"limit": 100}).status_code == 200, url
    assert tried >= 8


def test_the_page_size_helper_refuses_rather_than_clamps():
    from haven.core.errors import Invalid
    from haven.core.pagination import page_size

    assert page_size(None) == 20 and page_size(1) == 1 and page_size(100) == 100
    for bad in (-1, 0, 101):
        with pytest.raises(Invalid):
            page_size(bad)
