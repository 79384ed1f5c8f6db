"""Property-based: whatever a client sends that fits (or almost fits) the OpenAPI
document, Haven answers with a non-5xx status and, for errors, the one error shape."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from haven.conftest import ApiClient, make_member
from haven.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def bearer(db):
    # Requests go straight to the WSGI app, not through Django's test client, so keep
    # Django from closing the test transaction's connection at the end of each request
    # (the test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    member = make_member("fuzzy")
    make_member("target")
    yield ApiClient(member).headers["HTTP_AUTHORIZATION"]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_answers_a_client_with_a_server_error(case, bearer):
    response = case.call(headers={"Authorization": bearer})
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
    content_type = str(response.headers.get("content-type", ""))
    if response.status_code >= 400 and "application/json" in content_type:
        body = response.json()
        assert set(body) == {"error"}, body
        assert {"code", "message"} <= set(body["error"]), body
