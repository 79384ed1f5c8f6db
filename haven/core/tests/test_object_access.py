"""Object-level access (issue 12): a member asking for another member's things by id,
through a page or the API, gets 404, never 403 (which would say the thing exists),
and the owner gets them. Alice owns each thing; Carol, an ordinary member with no
link to her, asks for it by its id."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from haven.chats.actions import start_chat
from haven.conftest import ApiClient
from haven.core.tests.api_helpers import assert_error
from haven.moderation.models import Case
from haven.safety.reports import EvidenceRef, file_report
from haven.safety.tests.upload_helpers import image_bytes, post_upload
from haven.support.actions import file_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def owned(alice, bob) -> dict[str, int]:
    """Alice's ticket, report, upload, chat with Bob and its message, and her decision."""
    chat, message = start_chat(actor=alice, target=bob, body="See you at the lesson")
    upload = post_upload(ApiClient(alice), image_bytes("PNG"), "proof.png").json()["id"]
    _, harassing = start_chat(actor=bob, target=alice, body="You're stupid")
    report = file_report(actor=alice, subject=bob, category="harassment", details="Insults.",
                         evidence=[EvidenceRef("message", harassing.pk)])  # fmt: skip
    ticket = file_ticket(actor=alice, topic="other", description="My account question")
    return {"chat": chat.pk, "message": message.pk, "upload": upload, "report": report.pk,
            "ticket": ticket.pk, "case": Case.objects.get(subject=bob).pk}  # fmt: skip


# (what, how it is asked for) -> the request, given a client and the ids
API: dict[str, Callable] = {
    "ticket": lambda c, o: c.get(f"/support/tickets/{o['ticket']}"),
    "ticket reply": lambda c, o: c.post(f"/support/tickets/{o['ticket']}/replies", {"body": "x"}),
    "report": lambda c, o: c.get(f"/me/reports/{o['report']}"),
    "upload": lambda c, o: c.get(f"/uploads/{o['upload']}"),
    "upload file": lambda c, o: c.get(f"/uploads/{o['upload']}/file"),
    "chat messages": lambda c, o: c.get(f"/chats/{o['chat']}/messages"),
    "send in chat": lambda c, o: c.post(f"/chats/{o['chat']}/messages", {"body": "hi"}),
    "delete message": lambda c, o: c.delete(f"/chats/{o['chat']}/messages/{o['message']}"),
}
PAGES: dict[str, Callable] = {
    "ticket": lambda o: f"/support/tickets/{o['ticket']}",
    "report": lambda o: f"/reports/{o['report']}",
    "upload": lambda o: f"/uploads/{o['upload']}",
    "chat": lambda o: f"/chats/{o['chat']}",
}


@pytest.mark.parametrize("what", list(API))
def test_another_members_thing_is_not_found_through_the_api(api, alice, carol, owned, what):
    assert_error(API[what](api(carol), owned), 404)


@pytest.mark.parametrize("what", list(PAGES))
def test_another_members_thing_is_not_found_on_the_pages(web, alice, carol, owned, what):
    assert web(carol).get(PAGES[what](owned)).status_code == 404


@pytest.mark.parametrize("what", [w for w in API if w.startswith(("ticket", "report", "upload"))])
def test_the_owner_gets_it(api, alice, owned, what):
    assert API[what](api(alice), owned).status_code in (200, 201)


def test_a_member_asking_for_staff_things_gets_the_same_403_for_any_id(api, carol, owned):
    """Staff routes refuse a member before looking anything up: the answer is the same for
    an id that exists and one that doesn't, so it says nothing."""
    client = api(carol)
    for path in ("/staff/cases/{}", "/staff/tickets/{}", "/staff/appeals/{}"):
        real = client.get(path.format(owned["case"]))
        made_up = client.get(path.format(987654321))
        assert real.status_code == made_up.status_code == 403
        assert real.json() == made_up.json()
