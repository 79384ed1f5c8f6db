"""The staff side: the inbox, assignment, replies, internal notes, resolve and re-open,
with audit rows, notifications and role checks."""

import pytest
from django.core import mail

from haven.audit.models import AuditEntry
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
from haven.support import actions
from haven.support.models import Ticket

pytestmark = pytest.mark.django_db
SECRET = "Bob has two earlier strikes; check with mia first."


def filed(member, subject=None, topic="safety", **extra):
    return actions.file_ticket(
        actor=member, topic=topic, description="Please help.", subject=subject, **extra
    )


def staff_calls(ticket_id: int) -> list[tuple[str, str, dict | None]]:
    base = f"/staff/tickets/{ticket_id}"
    return [
        ("get", "/staff/tickets", None),
        ("get", base, None),
        ("post", f"{base}/assign", {"assignee": "me"}),
        ("post", f"{base}/replies", {"body": "Hello", "internal": False}),
        ("post", f"{base}/resolve", {}),
        ("post", f"{base}/reopen", {}),
    ]


# Roles


def test_members_get_403_on_every_staff_endpoint_and_page(alice, bob, api, web):
    ticket = filed(alice, subject=bob)
    for method, path, body in staff_calls(ticket.pk):
        response = getattr(api(alice), method)(path, body)
        assert_error(response, 403, code="not_allowed")
    browser = web(alice)
    assert browser.get("/staff/tickets").status_code == 403
    assert browser.get(f"/staff/tickets/{ticket.pk}").status_code == 403
    assert browser.post(f"/staff/tickets/{ticket.pk}/resolve").status_code == 403
    assert browser.post(f"/staff/tickets/{ticket.pk}/reply", {"body": "x"}).status_code == 403
    assert Ticket.objects.get().status == "new" and not ticket.messages.exists()
    assert api().get("/staff/tickets").status_code == 401


@pytest.mark.parametrize("agent", ["sam", "mia", "ada"])
def test_support_agents_moderators_and_admins_work_tickets(alice, bob, api, web, agent, request):
    staff = request.getfixturevalue(agent)
    ticket = filed(alice, subject=bob)
    for method, path, body in staff_calls(ticket.pk):
        assert getattr(api(staff), method)(path, body).status_code in (200, 201), path
    assert web(staff).get(f"/staff/tickets/{ticket.pk}").status_code == 200
    assert_error(api(staff).get("/staff/tickets/999999"), 404)


# The life of a ticket


def test_statuses_move_through_assign_reply_member_reply_resolve_and_reopen(
    alice, bob, sam, api, django_capture_on_commit_callbacks
):
    ticket = filed(alice, subject=bob)
    client = api(sam)
    path = f"/staff/tickets/{ticket.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        assigned = client.post(f"{path}/assign", {"assignee": "me"}).json()
        assert (assigned["status"], assigned["assigned_to"]["username"]) == ("open", "sam")
        replied = client.post(f"{path}/replies", {"body": "Can you tell us when?"})
        assert replied.status_code == 201 and replied.json()["status"] == "waiting"
        mine = api(alice).get(f"/support/tickets/{ticket.pk}").json()
        assert mine["status"] == "waiting"
        assert mine["messages"][0] == {
            "id": mine["messages"][0]["id"],
            "body": "Can you tell us when?",
            "from_support": True,
            "created_at": mine["messages"][0]["created_at"],
        }
        api(alice).post(f"/support/tickets/{ticket.pk}/replies", {"body": "Yesterday."})
        assert client.get(path).json()["status"] == "open"
        resolved = client.post(f"{path}/resolve").json()
        assert resolved["status"] == "resolved" and resolved["resolved_at"]
        assert client.post(f"{path}/resolve").json()["status"] == "resolved"  # no second notice
        reopened = client.post(f"{path}/reopen").json()
        assert (reopened["status"], reopened["resolved_at"]) == ("open", None)
        unassigned = client.post(f"{path}/assign", {"assignee": None}).json()
        assert unassigned["assigned_to"] is None

    titles = list(Notification.objects.filter(member=alice).values_list("title", flat=True))
    assert sorted(titles) == ["Support replied to your ticket", "Your support ticket was resolved"]
    assert list(Notification.objects.filter(member=sam).values_list("title", flat=True)) == [
        f"alice replied on ticket {ticket.pk}"
    ]
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("alice@example.org", "Haven: Support replied to your ticket"),
        ("alice@example.org", "Haven: Your support ticket was resolved"),
        ("sam@example.org", f"Haven: alice replied on ticket {ticket.pk}"),
    ]
    events = list(
        AuditEntry.objects.filter(target_type="ticket", target_id=ticket.pk)
        .order_by("id")
        .values_list("event", "actor__username")
    )
    assert events == [
        ("ticket", "alice"),
        ("ticket_assign", "sam"),
        ("ticket_reply", "sam"),
        ("ticket_resolve", "sam"),
        ("ticket_reopen", "sam"),
        ("ticket_assign", "sam"),
    ]


def test_replying_to_an_unassigned_ticket_takes_it(alice, mia, api):
    ticket = filed(alice, topic="account")
    body = api(mia).post(f"/staff/tickets/{ticket.pk}/replies", {"body": "On it."}).json()
    assert body["assigned_to"]["username"] == "mia" and body["status"] == "waiting"


def test_assign_refuses_anything_but_me_or_null(alice, sam, api):
    ticket = filed(alice, topic="account")
    response = api(sam).post(f"/staff/tickets/{ticket.pk}/assign", {"assignee": "alice"})
    assert_error(response, 400, field="assignee")


# Internal notes


def test_internal_notes_never_reach_the_member(
    alice, bob, sam, api, web, django_capture_on_commit_callbacks
):
    ticket = filed(alice, subject=bob)
    with django_capture_on_commit_callbacks(execute=True):
        note = api(sam).post(
            f"/staff/tickets/{ticket.pk}/replies", {"body": SECRET, "internal": True}
        )
        assert note.status_code == 201
        api(sam).post(f"/staff/tickets/{ticket.pk}/replies", {"body": "We're looking into it."})
    staff_view = api(sam).get(f"/staff/tickets/{ticket.pk}").json()
    assert [(m["body"], m["internal"]) for m in staff_view["messages"]] == [
        (SECRET, True),
        ("We're looking into it.", False),
    ]
    member_view = api(alice).get(f"/support/tickets/{ticket.pk}").json()
    assert [m["body"] for m in member_view["messages"]] == ["We're looking into it."]
    assert SECRET not in api(alice).get("/support/tickets").content.decode()
    assert SECRET not in web(alice).get(f"/support/tickets/{ticket.pk}").content.decode()
    notes = Notification.objects.all()
    assert all(SECRET not in n.title + n.body for n in notes) and notes.count() == 1
    assert len(mail.outbox) == 1 and SECRET not in mail.outbox[0].body + mail.outbox[0].subject
    assert AuditEntry.objects.get(event="ticket_note").snapshot == {"body": SECRET}


def test_a_note_changes_nothing_the_member_can_see(alice, sam):
    ticket = filed(alice, topic="account")
    before = Ticket.objects.get(pk=ticket.pk)
    actions.reply_as_staff(actor=sam, ticket=ticket, body=SECRET, internal=True)
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.status, after.updated_at) == (before.status, before.updated_at)


# Pages


def test_the_staff_page_shows_subject_notes_and_verified_evidence(alice, bob, sam, web):
    _, message = chat_actions.start_chat(actor=bob, target=alice, body="you will regret it")
    ticket = filed(alice, subject=bob, evidence=[EvidenceRef(type="message", id=message.pk)])
    browser = web(sam)
    assert browser.post(f"/staff/tickets/{ticket.pk}/assign", {"assignee": "me"}).status_code == 302
    note = {"body": SECRET, "internal": "True"}
    assert browser.post(f"/staff/tickets/{ticket.pk}/reply", note).status_code == 302
    page = browser.get(f"/staff/tickets/{ticket.pk}").content.decode()
    assert 'href="/u/bob"' in page and f"case {ticket.signal.case_id}" in page
    assert 'class="internal"' in page and "Internal note" in page and SECRET in page
    assert "you will regret it" in page and "Hash verified" in page
    assert "Assigned to <strong>sam</strong>" in page


def test_tampered_evidence_shows_as_not_matching(alice, bob, sam, web):
    _, message = chat_actions.start_chat(actor=bob, target=alice, body="original")
    ticket = filed(alice, subject=bob, evidence=[EvidenceRef(type="message", id=message.pk)])
    evidence = Evidence.objects.get()
    Evidence.objects.filter(pk=evidence.pk).update(payload={**evidence.payload, "text": "edited"})
    page = web(sam).get(f"/staff/tickets/{ticket.pk}").content.decode()
    assert "HASH MISMATCH: this copy was altered" in page
    body = web(sam).get(f"/api/v1/staff/tickets/{ticket.pk}").json()
    assert body["evidence"][0]["verified"] is False


def test_resolve_asks_first_then_resolves(alice, sam, web):
    ticket = filed(alice, topic="account")
    browser = web(sam)
    page = browser.get(f"/staff/tickets/{ticket.pk}/resolve")
    assert page.status_code == 200 and "Resolve this ticket?" in page.content.decode()
    assert Ticket.objects.get().status == "new"
    assert browser.post(f"/staff/tickets/{ticket.pk}/resolve").status_code == 302
    assert Ticket.objects.get().status == "resolved"
    assert browser.post(f"/staff/tickets/{ticket.pk}/reopen").status_code == 302
    assert Ticket.objects.get().status == "open"


def test_an_empty_staff_reply_is_shown_on_its_form(alice, sam, web):
    ticket = filed(alice, topic="account")
    response = web(sam).post(f"/staff/tickets/{ticket.pk}/reply", {"body": "", "internal": "True"})
    assert response.status_code == 400 and "required" in response.content.decode()
    assert not ticket.messages.exists()


# The inbox


def test_the_inbox_filters_by_status_topic_and_assignment(alice, bob, carol, sam, mia, api, web):
    mine = filed(alice, subject=bob)
    theirs = filed(carol, topic="lessons")
    new = filed(alice, topic="account")
    actions.assign(actor=sam, ticket=mine, assignee=sam)
    actions.assign(actor=mia, ticket=theirs, assignee=mia)
    client = api(sam)

    def ids(**params):
        return [t["id"] for t in client.get("/staff/tickets", params).json()["items"]]

    assert ids() == [theirs.pk, mine.pk, new.pk]
    assert ids(status="new") == [new.pk]
    assert ids(topic="lessons") == [theirs.pk]
    assert ids(assigned="me") == [mine.pk]
    assert ids(assigned="none") == [new.pk]
    assert ids(status="open", assigned="me", topic="safety") == [mine.pk]
    assert_error(client.get("/staff/tickets", {"status": "closed"}), 400, field="status")
    page = web(sam).get("/staff/tickets?assigned=none").content.decode()
    assert f"/staff/tickets/{new.pk}" in page and f'/staff/tickets/{mine.pk}"' not in page
    assert (
        "No tickets match these filters."
        in web(sam).get("/staff/tickets?topic=other").content.decode()
    )


def test_the_inbox_costs_the_same_queries_however_many_tickets(
    alice, bob, carol, sam, api, web, settings, count_queries
):
    settings.HAVEN_TICKETS_PER_HOUR = 1000
    client = warm(api(sam))
    browser = web(sam)

    def grow():
        ticket = filed(alice, subject=bob)
        actions.assign(actor=sam, ticket=filed(carol, topic="other"), assignee=sam)
        return ticket

    grow()
    few, _ = counted_get(client, "/staff/tickets")
    browser.get("/staff/tickets")
    with count_queries() as few_page:
        browser.get("/staff/tickets")
    for _ in range(8):
        grow()
    many, body = counted_get(client, "/staff/tickets")
    with count_queries() as many_page:
        browser.get("/staff/tickets")
    assert many == few and len(body["items"]) == 18
    assert len(many_page) == len(few_page)
    items, pages = walk_pages(client, "/staff/tickets", {"topic": "other"}, limit=4)
    assert len({i["id"] for i in items}) == 9 and pages == 3
    assert_bad_cursors_refused(client, "/staff/tickets")


def test_staff_never_work_tickets_they_wrote_or_that_are_about_them(api, alice, sam, mia):
    about_sam = (
        api(alice)
        .post(
            "/support/tickets", {"topic": "safety", "description": "Sam was rude.", "about": "sam"}
        )
        .json()["id"]
    )
    by_sam = (
        api(sam).post("/support/tickets", {"topic": "account", "description": "Help"}).json()["id"]
    )
    api(mia).post(f"/staff/tickets/{by_sam}/replies", {"body": "on probation", "internal": True})
    inbox = [t["id"] for t in api(sam).get("/staff/tickets").json()["items"]]
    assert about_sam not in inbox and by_sam not in inbox
    for ticket in (about_sam, by_sam):
        assert api(sam).get(f"/staff/tickets/{ticket}").status_code == 404
        assert api(sam).post(f"/staff/tickets/{ticket}/resolve", {}).status_code == 404
    assert "probation" not in str(api(sam).get(f"/support/tickets/{by_sam}").json())
    assert api(mia).get(f"/staff/tickets/{about_sam}").status_code == 200


def test_a_role_taken_away_stops_ticket_work_at_once(api, alice, sam):
    from django.db import transaction

    from haven.core.errors import Refused
    from haven.support.selectors import access_staff_ticket

    ticket_id = (
        api(alice)
        .post("/support/tickets", {"topic": "account", "description": "Help"})
        .json()["id"]
    )
    ticket = access_staff_ticket(sam, ticket_id)  # sam's role is checked and cached here
    sam.groups.clear()
    with pytest.raises(Refused), transaction.atomic():
        actions.resolve(actor=sam, ticket=ticket)


def test_a_member_reply_keeps_a_new_ticket_new(api, alice, sam):
    ticket_id = (
        api(alice)
        .post("/support/tickets", {"topic": "account", "description": "Help"})
        .json()["id"]
    )
    api(alice).post(f"/support/tickets/{ticket_id}/replies", {"body": "Anyone?"})
    assert api(sam).get("/staff/tickets", {"status": "new"}).json()["items"][0]["id"] == ticket_id
