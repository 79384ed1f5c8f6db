"""Block evasion (issue 13, item 5): a new account with a suspended or removed member's
mailbox, spelt another way, or opened on the browser they signed in on, raises a
signal on the new account's case naming the earlier one, for staff only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from haven.conftest import PASSWORD, make_member
from haven.members.mailboxes import email_key, normalised
from haven.members.models import Member
from haven.moderation.models import Case
from haven.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("written", "mailbox"),
    [
        ("J.Doe+haven@GoogleMail.com", "jdoe@gmail.com"),
        ("j.d.o.e@gmail.com", "jdoe@gmail.com"),
        ("jane+again@outlook.com", "jane@outlook.com"),
        ("jane.doe+x@icloud.com", "jane.doe@icloud.com"),  # dots count outside Gmail
        ("Jane.Doe+x@example.org", "jane.doe+x@example.org"),  # unknown rules: as written
        ("not-an-address", "not-an-address"),
    ],
)
def test_a_mailbox_spelt_another_way_is_the_same_mailbox(written, mailbox):
    assert normalised(written) == mailbox
    assert email_key(written) == email_key(mailbox)


def _with_email(member: Member, email: str) -> Member:
    member.email = email
    member.save()
    return member


def _remove(api, moderator, member, category="harassment"):
    """Removed from Haven by a moderator, through the desk, for `category`."""
    reporter = make_member(f"witness_{member.username}")
    report = {"username": member.username, "category": category, "details": "Insults."}
    assert api(reporter).post("/reports", report).status_code == 201
    case = Case.objects.get(target_type="member", target_id=member.pk)
    action = {"action": "remove_member", "category": category, "reason": "Repeated harassment.",
              "version": case.version}  # fmt: skip
    assert api(moderator).post(f"/staff/cases/{case.pk}/actions", action).status_code == 201


def _evasion_file(api, staff, member) -> dict | None:
    case = Case.objects.filter(target_type="member", target_id=member.pk).first()
    return None if case is None else api(staff).get(f"/staff/cases/{case.pk}").json()


def _sign_up(client, username: str, email: str):
    return client.post("/api/v1/auth/signup", {"username": username, "email": email,
                       "password": PASSWORD}, content_type="application/json")  # fmt: skip


def test_a_removed_members_gmail_with_dots_and_a_tag_is_recognised(api, web, mia):
    rex = _with_email(make_member("rex"), "rex.turner@gmail.com")
    _remove(api, mia, rex)

    made = _sign_up(Client(), "rexy", "Rex.Turner+again@googlemail.com")
    assert made.status_code == 201
    rexy = Member.objects.get(username="rexy")
    file = _evasion_file(api, mia, rexy)
    assert file is not None
    [signal] = file["signals"]
    assert (signal["kind"], signal["category"]["slug"]) == ("automated", "harassment")
    [evidence] = file["evidence"]
    payload = evidence["payload"]
    assert (payload["pattern"], payload["earlier"]["username"]) == ("block_evasion", "rex")
    assert payload["shared"] == ["email address"]
    page = web(mia).get(f"/staff/cases/{file['case']['id']}").content.decode()
    assert "May be rex again, who is removed from Haven" in page
    # Staff only: the new account is told nothing and may use Haven as usual.
    assert not Notification.objects.filter(member=rexy).exists()
    assert api(rexy).get("/me").status_code == 200


def test_a_new_account_opened_on_a_suspended_members_browser_names_them(api, mia):
    rex = make_member("rex", suspended_until=timezone.now() + timedelta(days=7))
    browser = Client()
    refused = browser.post("/signin", {"username": "rex", "password": PASSWORD})
    assert refused.status_code == 403  # the right password, a barred account: the cookie

    form = {"username": "newface", "email": "newface@example.net", "password": PASSWORD,
            "kind": "student", "native_languages": ["en"]}  # fmt: skip
    assert browser.post("/signup", form).status_code == 302
    newface = Member.objects.get(username="newface")
    file = _evasion_file(api, mia, newface)
    assert file is not None
    [evidence] = file["evidence"]
    assert evidence["payload"]["earlier"]["username"] == rex.username
    assert evidence["payload"]["shared"] == ["browser"]
    assert file["signals"][0]["category"]["slug"] == "other"  # no decision to cite yet
    assert "suspended until" in evidence["payload"]["summary"]


def test_signing_in_on_a_removed_members_browser_is_checked_once(api, mia):
    rex = make_member("rex")
    browser = Client()
    assert browser.post("/signin", {"username": "rex", "password": PASSWORD}).status_code == 302
    browser.post("/signout")
    _remove(api, mia, rex)
    young = make_member("young")
    for _ in range(2):
        browser.post("/signin", {"username": "young", "password": PASSWORD})
        browser.post("/signin", {"username": "rex", "password": PASSWORD})  # refused, 403
        browser.cookies.pop("sessionid", None)
    file = _evasion_file(api, mia, young)
    assert file is not None and file["case"]["signal_count"] == 1


def test_members_in_good_standing_or_established_accounts_raise_nothing(api, mia):
    _with_email(make_member("friend"), "sam.friend@gmail.com")
    browser = Client()
    assert browser.post("/signin", {"username": "friend", "password": PASSWORD}).status_code == 302
    browser.cookies.pop("sessionid", None)
    # A housemate opens an account on the same laptop, with a look-alike address.
    assert _sign_up(browser, "housemate", "samfriend+x@gmail.com").status_code == 201
    assert not Case.objects.exists()

    # An account older than HAVEN_EVASION_ACCOUNT_DAYS signs in where a removed one did.
    rex = make_member("rex")
    _remove(api, mia, rex)
    old = make_member("oldtimer", date_joined=timezone.now() - timedelta(days=400))
    cafe = Client()
    cafe.post("/signin", {"username": "rex", "password": PASSWORD})
    cafe.post("/signin", {"username": "oldtimer", "password": PASSWORD})
    assert _evasion_file(api, mia, old) is None
