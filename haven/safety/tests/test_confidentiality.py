"""Reporter confidentiality, and the rules a report must pass before anything is stored.

The reported member never learns who reported them: no page or API answer they
can reach names the reporter or changes because of the report.
"""

import re

import pytest
from django.test import Client

from haven.chats import actions as chat_actions
from haven.community import actions as community
from haven.community.models import Comment
from haven.conftest import make_member
from haven.core.tests.api_helpers import assert_error
from haven.members.models import Member
from haven.moderation import enforcement
from haven.moderation.models import Case, Signal
from haven.safety import policies
from haven.safety.models import Block, Evidence, Report
from haven.safety.reports import EvidenceRef, file_report
from haven.safety.tests.upload_helpers import image_bytes, named
from haven.safety.uploads import store_upload

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/u/bob",
    "/chats",
    "/friends",
    "/settings",
    "/settings/profile",
    "/settings/privacy",
    "/settings/blocked",
    "/settings/tokens",
    "/settings/standing",
    "/notifications",
    "/reports",
    "/members?q=ali",
    "/answers",
    "/notebook",
    "/discussions",
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def api_get_paths() -> list[str]:
    """Every GET in the OpenAPI document without a path parameter, plus bob's own
    profile and timeline: everything bob can read about himself and his world."""
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    found = [p.removeprefix("/api/v1") for p, ops in paths.items() if "get" in ops and "{" not in p]
    assert "/me/reports" in found and "/me" in found and "/chats" in found
    return [*found, "/members/bob", "/members/bob/timeline", "/members?q=ali"]


def everything_bob_reads(bob, client, browser) -> dict[str, str]:
    seen = {f"api {p}": client.get(p).content.decode() for p in api_get_paths()}
    for chat_id in bob.chat_memberships.values_list("chat_id", flat=True):
        seen[f"page /chats/{chat_id}"] = browser.get(f"/chats/{chat_id}").content.decode()
        seen[f"api /chats/{chat_id}/messages"] = client.get(
            f"/chats/{chat_id}/messages"
        ).content.decode()
    for page in PAGES:
        response = browser.get(page)
        assert response.status_code < 500, page
        seen[f"page {page}"] = response.content.decode()
    return seen


def names_of(member: Member) -> list[str]:
    return [member.username, member.display_name, str(member.public_id)]


def test_nothing_the_reported_member_can_reach_names_the_reporter(alice, bob, carol, mia, api, web):
    # alice and bob never met on Haven (it happened in a lesson elsewhere), so any
    # mention of alice anywhere bob looks could only come from her report.
    Member.objects.filter(pk=alice.pk).update(searchable=False)
    community.create_post(actor=bob, space="discussions", title="Hi all", body="I'm bob")
    shot = store_upload(actor=alice, file=named(image_bytes(), "lesson.png"))
    file_report(
        actor=alice,
        subject=bob,
        category="harassment",
        details="He insulted me all lesson long. — Alice",
        where="lesson",
        evidence=[EvidenceRef("upload", shot.pk)],
        links=["https://lessons.example/recording/42"],
        also_block=True,
    )
    case = Case.objects.get(target_type="member", target_id=bob.pk)
    # The decision reaches bob (notification, standing page, email): still no reporter.
    enforcement.act(actor=mia, case_id=case.pk, action="warn", category="harassment",
                    reason="Abusive language towards a partner.", version=case.version)  # fmt: skip
    client = api(bob)
    client.get("/me")  # the token's first use is recorded; later reads change nothing
    for where, text in everything_bob_reads(bob, client, web(bob)).items():
        for name in names_of(alice):
            assert name not in text, (where, name)
        assert "lessons.example" not in text, where
        assert "insulted" not in text, where


def _normalised(text: str) -> str:
    """Pages differ per request only by CSRF tokens, CSP nonces and relative times."""
    text = re.sub(r'nonce="[^"]*"', "NONCE", text)
    text = re.sub(r"[A-Za-z0-9]{32,}", "TOKEN", text)
    return re.sub(r"\d+\xa0(minute|second)s?", "TIME", text)


def test_the_reported_member_sees_exactly_the_same_before_and_after_a_report(alice, bob, api, web):
    chat, message = chat_actions.start_chat(actor=bob, target=alice, body="you are stupid")
    chat_actions.send_message(actor=alice, chat=chat, body="please stop")
    share = community.share(actor=bob, text="alice again...")
    client, browser = api(bob), web(bob)
    everything_bob_reads(bob, client, browser)  # reading marks chats read; settle that first
    before = {k: _normalised(v) for k, v in everything_bob_reads(bob, client, browser).items()}
    file_report(
        actor=alice,
        subject=bob,
        category="harassment",
        details="He keeps writing to me.",
        evidence=[EvidenceRef("message", message.pk), EvidenceRef("share", share.pk)],
    )
    after = {k: _normalised(v) for k, v in everything_bob_reads(bob, client, browser).items()}
    assert after.keys() == before.keys()
    for where in before:
        assert after[where] == before[where], where


# What a report may carry: only what the reporter can see; everything else is a 400.


def report_api(client, **fields):
    body = {"username": "bob", "category": "harassment", **fields}
    return client.post("/reports", body)


def assert_nothing_stored():
    assert not Report.objects.exists()
    assert not Evidence.objects.exists()
    assert not Case.objects.exists()
    assert not Block.objects.exists()


def test_a_message_from_a_chat_the_reporter_is_not_in_is_refused(alice, bob, carol, api):
    _, theirs = chat_actions.start_chat(actor=bob, target=carol, body="between bob and carol")
    response = report_api(
        api(alice), evidence=[{"type": "message", "id": theirs.pk}], also_block=True
    )
    error = assert_error(response, 400, field="evidence")
    assert f"message {theirs.pk}" in error["message"]
    assert_nothing_stored()


def test_a_message_from_the_reporters_chat_with_someone_else_is_refused(alice, bob, carol, api):
    _, mine = chat_actions.start_chat(actor=carol, target=alice, body="carol and alice")
    response = report_api(api(alice), evidence=[{"type": "message", "id": mine.pk}])
    assert_error(response, 400, field="evidence")
    assert_nothing_stored()


def test_a_hidden_item_or_another_members_item_is_refused_and_named(alice, bob, carol, api):
    hidden = community.create_post(actor=bob, space="answers", title="Hidden", body="x")
    type(hidden).objects.filter(pk=hidden.pk).update(hidden_at="2020-01-01T00:00:00Z")
    carols = community.create_post(actor=carol, space="answers", title="Carol's", body="x")
    visible = community.create_post(actor=bob, space="answers", title="Visible", body="x")
    response = report_api(
        api(alice),
        evidence=[
            {"type": "post", "id": visible.pk},
            {"type": "post", "id": hidden.pk},
            {"type": "post", "id": carols.pk},
            {"type": "comment", "id": 99_999_999},
        ],
    )
    error = assert_error(response, 400, field="evidence")
    refused = " ".join(error["fields"]["evidence"])
    for named_ref in (f"post {hidden.pk}", f"post {carols.pk}", "comment 99999999"):
        assert named_ref in refused
    assert f"post {visible.pk}" not in refused
    assert_nothing_stored()


def test_a_share_the_reporter_may_not_see_is_refused(alice, bob, api):
    share = community.share(actor=bob, text="only for me")
    Member.objects.filter(pk=bob.pk).update(who_can_see_timeline="only_me")
    response = report_api(api(alice), evidence=[{"type": "share", "id": share.pk}])
    assert_error(response, 400, field="evidence")
    assert_nothing_stored()


def test_a_comment_under_a_share_the_reporter_may_not_see_is_refused(alice, bob, carol, api):
    carols_share = community.share(actor=carol, text="friends only")
    Member.objects.filter(pk=carol.pk).update(who_can_see_timeline="friends")
    hidden_from_alice = Comment.objects.create(share=carols_share, author=bob, body="nasty")
    open_share = community.share(actor=bob, text="public")
    seen_by_alice = Comment.objects.create(share=open_share, author=bob, body="also nasty")
    refs = [{"type": "comment", "id": hidden_from_alice.pk}]
    assert_error(report_api(api(alice), evidence=refs), 400, field="evidence")
    refs = [{"type": "comment", "id": seen_by_alice.pk}]
    assert report_api(api(alice), evidence=refs).status_code == 201


def test_someone_elses_upload_is_refused(alice, bob, carol, api):
    carols = store_upload(actor=carol, file=named(image_bytes(), "c.png"))
    response = report_api(api(alice), evidence=[{"type": "upload", "id": carols.pk}])
    assert f"upload {carols.pk}" in assert_error(response, 400, field="evidence")["message"]
    assert_nothing_stored()


def test_reporting_yourself_is_refused(alice, api, web):
    assert_error(report_api(api(alice), username="alice"), 400, field="username")
    assert web(alice).get("/u/alice/report").status_code == 400
    assert_nothing_stored()


def test_details_are_required_for_other(alice, bob, api):
    assert_error(report_api(api(alice), category="other"), 400, field="details")
    assert_error(report_api(api(alice), category="other", details="   "), 400, field="details")
    response = report_api(api(alice), category="other", details="He follows me everywhere.")
    assert response.status_code == 201


def test_details_are_at_most_5000_characters(alice, bob, api):
    assert_error(report_api(api(alice), details="x" * 5001), 400, field="details")
    assert report_api(api(alice), details="x" * 5000).status_code == 201


def test_at_most_five_screenshots(alice, bob, api):
    shots = [store_upload(actor=alice, file=named(image_bytes(), "s.png")) for _ in range(6)]
    refs = [{"type": "upload", "id": s.pk} for s in shots]
    assert_error(report_api(api(alice), evidence=refs), 400, field="evidence")
    assert_nothing_stored()
    assert report_api(api(alice), evidence=refs[:5]).status_code == 201
    assert Evidence.objects.filter(kind="screenshot").count() == 5


def test_links_must_be_web_links_and_at_most_ten(alice, bob, api):
    for bad in ("ftp://files.example/x", "javascript:alert(1)", "not a link"):
        assert_error(report_api(api(alice), links=[bad]), 400, field="links")
    many = [f"https://example.org/{i}" for i in range(11)]
    assert_error(report_api(api(alice), links=many), 400)
    assert_nothing_stored()


def test_unknown_category_or_place_is_refused(alice, bob, api):
    assert_error(report_api(api(alice), category="nonsense"), 400, field="category")
    assert_error(report_api(api(alice), where="moon"), 400, field="where")
    assert_error(report_api(api(alice), evidence=[{"type": "email", "id": 1}]), 400)


def test_reports_are_rate_limited_per_member(alice, bob, carol, api, settings):
    settings.HAVEN_REPORTS_PER_HOUR = 2
    client = api(alice)
    assert report_api(client).status_code == 201
    assert report_api(client).status_code == 201
    response = report_api(client)
    assert_error(response, 429, code="rate_limited")
    assert int(response["Retry-After"]) > 0
    assert Report.objects.count() == 2
    assert report_api(api(carol)).status_code == 201


def test_also_block_blocks_the_member_in_the_same_step(alice, bob, api):
    assert report_api(api(alice), also_block=True).status_code == 201
    assert Block.objects.filter(blocker=alice, blocked=bob).exists()
    assert Report.objects.get().also_blocked
    assert not policies.can_start_chat(bob, alice)
    assert policies.can_start_chat(bob, alice).message == policies.CANNOT_CHAT


def test_a_report_is_a_signal_on_the_subjects_case_and_a_second_report_joins_it(
    alice, bob, carol, api
):
    assert report_api(api(alice)).status_code == 201
    case = Case.objects.get(target_type="member", target_id=bob.pk)
    assert case.subject_id == bob.pk and case.signal_count == 1
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    assert report_api(api(carol), category="scam").status_code == 201
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.signal_count == 2
    signals = Signal.objects.filter(case=case).order_by("id")
    assert [s.kind for s in signals] == ["report", "report"]
    assert [s.reporter_id for s in signals] == [alice.pk, carol.pk]
    assert [s.report.reporter_id for s in signals] == [alice.pk, carol.pk]


def test_an_inactive_or_unknown_member_cannot_be_reported(alice, api):
    make_member("gone", is_active=False)
    assert_error(report_api(api(alice), username="gone"), 404)
    assert_error(report_api(api(alice), username="nobody_here"), 404)
