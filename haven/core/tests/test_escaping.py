"""Script and HTML in every free-text field a member can write come back escaped on
every page that shows it, to the author, to other members and to staff (issue 12)."""

from __future__ import annotations

import pytest

from haven.chats.actions import start_chat
from haven.community.actions import add_comment, create_post, share
from haven.members.actions import update_profile
from haven.moderation.models import Case
from haven.safety.reports import EvidenceRef, file_report
from haven.support.actions import file_ticket

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">'
RAW = ("<script>alert", "<img src=x", 'href="javascript:')
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def _assert_escaped(page, where: str) -> None:
    assert page.status_code == 200, where
    text = page.content.decode()
    assert not [raw for raw in RAW if raw in text], where
    assert ESCAPED in text, where


def test_every_free_text_field_is_escaped_wherever_it_is_shown(web, alice, bob, mia):
    update_profile(actor=bob, display_name=PAYLOAD[:50], bio=PAYLOAD)
    post = create_post(actor=bob, space="discussions", title=PAYLOAD[:100], body=PAYLOAD)
    add_comment(actor=bob, post=post, body=PAYLOAD)
    shared = share(actor=bob, text=PAYLOAD)
    chat, message = start_chat(actor=bob, target=alice, body=PAYLOAD)
    report = file_report(actor=alice, subject=bob, category="harassment", details=PAYLOAD,
                         evidence=[EvidenceRef("message", message.pk)])  # fmt: skip
    ticket = file_ticket(actor=alice, topic="other", description=PAYLOAD)
    case = Case.objects.get(target_type="member", target_id=bob.pk)
    pages = {
        "profile (bio)": (web(alice), "/u/bob"),
        "post, comment, author name": (web(alice), f"/posts/{post.pk}"),
        "share": (web(alice), f"/timeline/{shared.pk}"),
        "chat message": (web(alice), f"/chats/{chat.pk}"),
        "report details, evidence (reporter)": (web(alice), f"/reports/{report.pk}"),
        "ticket (member)": (web(alice), f"/support/tickets/{ticket.pk}"),
        "case: report details, evidence (staff)": (web(mia), f"/staff/cases/{case.pk}"),
        "ticket (staff)": (web(mia), f"/staff/tickets/{ticket.pk}"),
    }
    for where, (browser, path) in pages.items():
        _assert_escaped(browser.get(path), where)


def test_a_help_search_for_script_is_shown_escaped(client):
    page = client.get("/help", {"q": PAYLOAD})
    assert page.status_code == 200
    text = page.content.decode()
    assert not [raw for raw in RAW if raw in text]
    assert "&lt;script&gt;" in text
