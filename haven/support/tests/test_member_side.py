"""The member's side: the Contact support page, My tickets, one ticket and replies."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from haven.chats import actions as chat_actions
from haven.core.tests.api_helpers import (
    assert_bad_cursors_refused,
    assert_error,
    counted_get,
    walk_pages,
    warm,
)
from haven.notifications.models import Notification
from haven.safety.models import Evidence
from haven.safety.reports import EvidenceRef
from haven.safety.tests.upload_helpers import image_bytes
from haven.support import actions
from haven.support.models import Ticket

pytestmark = pytest.mark.django_db


def png(name: str = "shot.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(), content_type="image/png")


def filed(member, subject=None, topic="safety"):
    return actions.file_ticket(actor=member, topic=topic, description="Help", subject=subject)


# The form


def test_the_page_has_the_form_a_help_link_and_an_empty_my_tickets(alice, web):
    page = web(alice).get("/support").content.decode()
    assert "/help/contact-support" in page and 'name="about"' in page
    assert 'name="topic"' in page and 'enctype="multipart/form-data"' in page
    assert page.count('type="file"') == 5 and 'name="messages"' not in page
    assert "You haven't written to support yet." in page


def test_a_link_naming_the_member_shows_the_evidence_picker_at_once(alice, bob, web):
    chat_actions.start_chat(actor=bob, target=alice, body="bob to alice")
    page = web(alice).get("/support?about=bob").content.decode()
    assert "bob to alice" in page and 'name="messages"' in page
    assert 'name="picked_for" value="bob"' in page and 'value="bob"' in page


def test_typing_a_member_first_shows_their_evidence_then_sends_with_it(alice, bob, web):
    _, message = chat_actions.start_chat(actor=bob, target=alice, body="go away or else")
    browser = web(alice)
    data = {"topic": "safety", "about": "@bob", "description": "Threats.", "screenshot_1": png()}
    step = browser.post("/support", data)
    assert step.status_code == 200 and not Ticket.objects.exists()
    page = step.content.decode()
    assert "Now choose any evidence about Bob" in page and "go away or else" in page
    (kept,) = step.context["kept"]
    data = {
        "topic": "safety",
        "about": "@bob",
        "description": "Threats.",
        "picked_for": "bob",
        "messages": [message.pk],
        "uploads": [kept.pk],
        "links": "https://lessons.example/1",
    }
    response = browser.post("/support", data)
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/support/tickets/{ticket.pk}"
    assert ticket.subject == bob and ticket.signal is not None
    kinds = sorted(ticket.evidence.values_list("kind", flat=True))
    assert kinds == ["link", "message", "screenshot"]
    page = browser.get(response["Location"]).content.decode()
    assert "Your ticket was sent" in page and "Threats." in page and "New" in page


def test_an_account_question_is_sent_in_one_step(alice, web):
    response = web(alice).post("/support", {"topic": "account", "description": "Email?"})
    assert response.status_code == 302
    assert Ticket.objects.get().subject is None


def test_a_member_nobody_can_find_is_shown_on_the_about_field(alice, web):
    data = {"topic": "safety", "about": "https://haven.example/u/nobody", "description": "x"}
    response = web(alice).post("/support", data)
    assert response.status_code == 400
    assert "We couldn&#x27;t find a member" in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_page_answers_429_when_too_many_tickets_were_sent(alice, web, settings):
    settings.HAVEN_TICKETS_PER_HOUR = 1
    browser = web(alice)
    data = {"topic": "account", "description": "Email?"}
    assert browser.post("/support", data).status_code == 302
    response = browser.post("/support", data)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


# My tickets and one ticket


def test_a_member_sees_only_their_own_tickets(alice, bob, carol, web, api):
    mine = filed(alice, subject=bob)
    filed(carol, topic="account")
    assert [t["id"] for t in api(alice).get("/support/tickets").json()["items"]] == [mine.pk]
    page = web(alice).get("/support").content.decode()
    assert f"/support/tickets/{mine.pk}" in page and "New" in page
    for other in (bob, carol):
        assert_error(api(other).get(f"/support/tickets/{mine.pk}"), 404)
        assert web(other).get(f"/support/tickets/{mine.pk}").status_code == 404
        reply = api(other).post(f"/support/tickets/{mine.pk}/replies", {"body": "hi"})
        assert_error(reply, 404)


def test_the_member_it_is_about_never_learns_of_it_nor_who_wrote_it(alice, bob, api, web):
    filed(alice, subject=bob)
    assert api(bob).get("/support/tickets").json()["items"] == []
    assert "alice" not in web(bob).get("/support").content.decode().lower()
    assert not Notification.objects.filter(member=bob).exists()


def test_a_member_reply_opens_the_ticket_again_even_when_resolved(alice, sam, api, web):
    ticket = filed(alice, topic="account")
    actions.resolve(actor=sam, ticket=ticket)
    response = web(alice).post(f"/support/tickets/{ticket.pk}", {"body": "Still broken."})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolved_at) == ("open", None)
    body = api(alice).post(f"/support/tickets/{ticket.pk}/replies", {"body": "Hello?"}).json()
    assert body["status"] == "open"
    assert [(m["body"], m["from_support"]) for m in body["messages"]] == [
        ("Still broken.", False),
        ("Hello?", False),
    ]
    assert_error(api(alice).post(f"/support/tickets/{ticket.pk}/replies", {"body": " "}), 400)
    assert web(alice).post(f"/support/tickets/{ticket.pk}", {"body": ""}).status_code == 400


def test_my_tickets_pages_with_a_cursor_and_costs_the_same_queries_for_more(
    alice, bob, api, web, settings, count_queries
):
    settings.HAVEN_TICKETS_PER_HOUR = 1000
    client = warm(api(alice))
    browser = web(alice)
    for _ in range(3):
        filed(alice, subject=bob)
    few, _ = counted_get(client, "/support/tickets")
    browser.get("/support")
    with count_queries() as few_page:
        browser.get("/support")
    for _ in range(9):
        filed(alice, subject=bob)
    many, body = counted_get(client, "/support/tickets")
    with count_queries() as many_page:
        browser.get("/support")
    assert many == few and len(body["items"]) == 12
    assert len(many_page) == len(few_page)
    items, pages = walk_pages(client, "/support/tickets", limit=5)
    assert len({i["id"] for i in items}) == 12 and pages == 3
    assert_bad_cursors_refused(client, "/support/tickets")


def test_support_pages_need_sign_in(alice):
    ticket = filed(alice, topic="account")
    for url in ("/support", f"/support/tickets/{ticket.pk}", "/staff/tickets"):
        assert Client().get(url)["Location"].startswith("/signin")


def test_evidence_shows_on_the_members_ticket_page(alice, bob, web):
    _, message = chat_actions.start_chat(actor=bob, target=alice, body="the bad one")
    ticket = actions.file_ticket(
        actor=alice,
        topic="safety",
        description="See this.",
        subject=bob,
        evidence=[EvidenceRef(type="message", id=message.pk)],
    )
    page = web(alice).get(f"/support/tickets/{ticket.pk}").content.decode()
    assert "Evidence (1)" in page and "the bad one" in page
    assert Evidence.objects.get().ticket == ticket
