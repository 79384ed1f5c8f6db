"""The issue's "done when" story, in a real browser: a moderator claims the top case,
reads the harassing messages as frozen evidence and suspends the harasser for 7 days
citing "Bullying or harassment"; the reporter sees "We took action"; the harasser,
refused at sign-in, follows the link to their standing, sees the strike and appeals;
a second moderator decides; every step is in the audit log and the chain verifies."""

import pytest
from django.contrib.auth.models import Group

from haven.audit.log import first_broken
from haven.audit.models import AuditEntry
from haven.chats import actions as chats
from haven.community.actions import create_post
from haven.conftest import PASSWORD, make_member
from haven.core.tests.browser import sign_in
from haven.members.roles import MODERATOR
from haven.moderation.models import Appeal, Case, Enforcement
from haven.safety.flags import flag_item
from haven.safety.reports import EvidenceRef, file_report

pytestmark = pytest.mark.django_db(transaction=True)


def _moderator(username: str):
    member = make_member(username, is_staff=True)
    member.groups.add(Group.objects.get_or_create(name=MODERATOR)[0])
    return member


def test_moderator_suspends_harasser_who_appeals_and_a_second_moderator_decides(
    browser, live_server
):
    alice, bob, carol = make_member("alice"), make_member("bob"), make_member("carol")
    _moderator("mia"), _moderator("max")
    chat, _ = chats.start_chat(actor=bob, target=alice, body="hi")
    nasty = [
        chats.send_message(actor=bob, chat=chat, body="you are worthless"),
        chats.send_message(actor=bob, chat=chat, body="answer me or you'll regret it"),
    ]
    file_report(
        actor=alice, subject=bob, category="harassment", details="Insults every day.",
        evidence=[EvidenceRef("message", m.pk) for m in nasty],
    )  # fmt: skip
    spam = create_post(actor=carol, space="discussions", title="Cheap lessons", body="buy")
    flag_item(actor=alice, target_type="post", target_id=spam.pk, category="spam")
    harassment = Case.objects.get(target_type="member", target_id=bob.pk)

    # The moderator: queue -> top case -> claim -> evidence -> suspend 7 days.
    mia = sign_in(browser, live_server, "mia")
    mia.goto(f"{live_server.url}/staff/queue")
    mia.click("ol.list li:first-child a")
    mia.wait_for_url(f"{live_server.url}/staff/cases/{harassment.pk}")
    mia.click("main button:has-text('Claim')")
    mia.get_by_text("You claimed this case.").wait_for()
    evidence = mia.locator("#evidence ~ ul").inner_text()
    assert "you are worthless" in evidence and "answer me or you'll regret it" in evidence
    assert mia.locator("text=hash verified").count() == 2
    mia.select_option("#id_action", "suspend")
    mia.select_option("#id_category", "harassment")
    mia.fill("#id_days", "7")
    mia.fill("#id_reason", "Repeated insults and a threat in chat.")
    mia.click("main button:has-text('Continue')")
    mia.get_by_text("Suspend Bob for 7 days?").wait_for()
    mia.click("main button:has-text('Confirm')")
    mia.get_by_text("Done: suspend.").wait_for()
    decision = Enforcement.objects.get()
    assert (decision.kind, decision.days, decision.category.slug) == ("suspend", 7, "harassment")

    # The reporter is told the outcome, not the sanction.
    reporter = sign_in(browser, live_server, "alice")
    reporter.goto(f"{live_server.url}/notifications")
    reporter.get_by_text("We took action").first.wait_for()
    assert "suspend" not in reporter.locator("main").inner_text().lower()

    # The harasser can't sign in, follows the link, sees the strike and appeals.
    harasser = browser.new_page(viewport={"width": 390, "height": 800})
    harasser.goto(f"{live_server.url}/signin")
    harasser.fill("#id_username", "bob")
    harasser.fill("#id_password", PASSWORD)
    harasser.click("main button:has-text('Sign in')")
    harasser.get_by_text("This account is suspended until").wait_for()
    harasser.click("text=see your account standing")
    harasser.get_by_text("Strikes:").wait_for()
    assert "Bullying or harassment" in harasser.content()
    assert "alice" not in harasser.content().lower()
    harasser.click("text=Appeal this decision")
    harasser.fill("#id_text", "I was upset, it won't happen again.")
    harasser.click("main button:has-text('Send appeal')")
    harasser.get_by_text("Your appeal was sent.").wait_for()
    appeal = Appeal.objects.get()

    # The moderator who decided can't decide the appeal; a second one does.
    mia.goto(f"{live_server.url}/staff/appeals/{appeal.pk}")
    mia.get_by_text("a different moderator must decide").wait_for()
    second = sign_in(browser, live_server, "max")
    second.goto(f"{live_server.url}/staff/appeals")
    second.click("text=bob appeals")
    assert "answer me or you'll regret it" in second.content()  # the original evidence
    second.check("text=Uphold the decision")
    second.fill("#id_reason", "The messages are clear; the suspension stands.")
    second.click("main button:has-text('Decide')")
    second.get_by_text("Appeal decided.").wait_for()
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by.username) == ("upheld", "max")

    events = list(AuditEntry.objects.order_by("id").values_list("event", flat=True))
    story = ["report", "flag", "case_claim", "enforce_suspend", "appeal", "appeal_upheld"]
    assert [e for e in events if e in story] == story
    assert first_broken() is None
