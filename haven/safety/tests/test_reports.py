"""Report concern through the API and the pages, and the reporter's "My reports"."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from haven.chats import actions as chat_actions
from haven.community import actions as community
from haven.core.tests.api_helpers import (
    assert_bad_cursors_refused,
    assert_error,
    assert_signed_out_refused,
    counted_get,
    walk_pages,
    warm,
)
from haven.safety.models import Block, Evidence, Report
from haven.safety.reports import file_report
from haven.safety.tests.upload_helpers import image_bytes, named, post_upload
from haven.safety.uploads import store_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(name: str = "shot.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(), content_type="image/png")


# API


def test_harassed_member_reports_with_a_message_a_screenshot_and_a_link_and_blocks(alice, bob, api):
    chat, message = chat_actions.start_chat(actor=bob, target=alice, body="I know where you live")
    client = api(alice)
    upload_id = post_upload(client, image_bytes()).json()["id"]
    response = client.post(
        "/reports",
        {
            "username": "bob",
            "category": "violence",
            "details": "He threatened me.",
            "where": "on_haven",
            "evidence": [
                {"type": "message", "id": message.pk},
                {"type": "upload", "id": upload_id},
            ],
            "links": ["https://elsewhere.example/bob"],
            "also_block": True,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subject"] == {"username": "bob", "display_name": "Bob"}
    assert body["category"]["slug"] == "violence" and body["status"] == "received"
    assert body["also_blocked"] and body["evidence_count"] == 3
    assert sorted(e["kind"] for e in body["evidence"]) == ["link", "message", "screenshot"]
    assert Block.objects.filter(blocker=alice, blocked=bob).exists()
    # From now on bob gets the neutral refusal, and the evidence stays.
    assert_error(api(bob).post(f"/chats/{chat.pk}/messages", {"body": "hello?"}), 403)
    chat_actions.delete_message(actor=bob, message=message)
    frozen = Evidence.objects.get(kind="message")
    assert frozen.payload["text"] == "I know where you live"


def test_my_reports_lists_each_report_with_status_and_outcome(alice, bob, carol, api):
    file_report(actor=alice, subject=bob, category="spam")
    report = file_report(actor=alice, subject=carol, category="scam")
    Report.objects.filter(pk=report.pk).update(status="closed", outcome="We took action.")
    items = api(alice).get("/me/reports").json()["items"]
    assert [(i["subject"]["username"], i["status"], i["outcome"]) for i in items] == [
        ("carol", "closed", "We took action."),
        ("bob", "received", ""),
    ]
    assert api(bob).get("/me/reports").json()["items"] == []


def test_my_reports_pages_with_a_cursor_and_costs_the_same_queries_for_more_reports(
    alice, bob, api, settings
):
    settings.HAVEN_REPORTS_PER_HOUR = 1000
    client = warm(api(alice))
    for _ in range(3):
        file_report(actor=alice, subject=bob, category="spam", links=["https://a.example"])
    few, _ = counted_get(client, "/me/reports")
    for _ in range(12):
        file_report(actor=alice, subject=bob, category="spam", links=["https://a.example"])
    many, body = counted_get(client, "/me/reports")
    assert many == few and len(body["items"]) == 15
    items, pages = walk_pages(client, "/me/reports", limit=4)
    assert len(items) == 15 and pages == 4 and len({i["id"] for i in items}) == 15
    assert_bad_cursors_refused(client, "/me/reports")


def test_one_report_is_readable_by_its_reporter_only(alice, bob, carol, api):
    report = file_report(actor=alice, subject=bob, category="spam", links=["https://a.example"])
    body = api(alice).get(f"/me/reports/{report.pk}").json()
    assert body["id"] == report.pk and body["evidence"][0]["kind"] == "link"
    assert_error(api(carol).get(f"/me/reports/{report.pk}"), 404)
    assert_error(api(bob).get(f"/me/reports/{report.pk}"), 404)


def test_reports_need_sign_in(bob, api):
    assert_signed_out_refused(api().post("/reports", {"username": "bob", "category": "spam"}))
    assert_signed_out_refused(api().get("/me/reports"))


def test_bad_report_bodies_are_400_with_fields(alice, bob, api):
    client = api(alice)
    assert_error(client.post("/reports", {"username": "bob"}), 400, field="category")
    bad_ref = {"username": "bob", "category": "spam", "evidence": [{"type": "post"}]}
    assert_error(client.post("/reports", bad_ref), 400)
    assert_error(client.post("/reports", "[1, 2"), 400)
    for impossible in (10**22, -5, 0):
        huge = {
            "username": "bob",
            "category": "spam",
            "evidence": [{"type": "post", "id": impossible}],
        }
        assert f"post {impossible}" in assert_error(client.post("/reports", huge), 400)["message"]
    assert not Report.objects.exists()


# Pages


def test_report_concern_button_is_on_profiles_and_chats_but_not_your_own_profile(alice, bob, web):
    chat, _ = chat_actions.start_chat(actor=bob, target=alice, body="hi")
    browser = web(alice)
    assert "/u/bob/report" in browser.get("/u/bob").content.decode()
    assert "/u/bob/report" in browser.get(f"/chats/{chat.pk}").content.decode()
    assert "/report" not in browser.get("/u/alice").content.decode()
    assert "/u/bob/report" not in Client().get("/u/bob").content.decode()


def test_the_form_offers_my_messages_with_them_and_their_content_i_can_see(alice, bob, carol, web):
    chat, _ = chat_actions.start_chat(actor=bob, target=alice, body="bob to alice")
    chat_actions.start_chat(actor=bob, target=carol, body="bob to carol")
    post = community.create_post(actor=bob, space="answers", title="Bob asks", body="?")
    community.add_comment(actor=bob, post=post, body="bob comments")
    community.share(actor=bob, text="bob shares")
    community.create_post(actor=carol, space="answers", title="Carol asks", body="?")
    page = web(alice).get("/u/bob/report").content.decode()
    for offered in ("bob to alice", "Bob asks", "bob comments", "bob shares"):
        assert offered in page
    for never in ("bob to carol", "Carol asks"):
        assert never not in page
    assert 'enctype="multipart/form-data"' in page and 'name="also_block"' in page
    assert page.count('type="file"') == 5


def test_the_chat_page_can_preselect_a_message(alice, bob, web):
    chat, first = chat_actions.start_chat(actor=bob, target=alice, body="the bad one")
    chat_actions.send_message(actor=bob, chat=chat, body="another")
    page = web(alice).get(f"/u/bob/report?message={first.pk}").content.decode()
    assert f'value="{first.pk}"' in page
    checked = [line for line in page.splitlines() if f'value="{first.pk}"' in line]
    assert "checked" in checked[0]


def test_filing_from_the_page_with_screenshots_and_block_shows_what_happens_next(alice, bob, web):
    chat, message = chat_actions.start_chat(actor=bob, target=alice, body="go away or else")
    browser = web(alice)
    response = browser.post(
        f"/u/bob/report?message={message.pk}",
        {
            "category": "violence",
            "details": "Threats in chat and in our lesson.",
            "where": "lesson",
            "messages": [message.pk],
            "links": "https://lessons.example/1\nhttps://lessons.example/2",
            "screenshot_1": png("a.png"),
            "screenshot_2": png("b.png"),
            "also_block": "on",
        },
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}"
    assert report.where == "lesson" and report.also_blocked
    kinds = sorted(report.evidence.values_list("kind", flat=True))
    assert kinds == ["link", "link", "message", "screenshot", "screenshot"]
    assert Block.objects.filter(blocker=alice, blocked=bob).exists()
    page = browser.get(response["Location"]).content.decode()
    assert "What happens next" in page and "never told who reported" in page
    assert "Your report was sent" in page


def test_a_form_with_errors_keeps_the_screenshots_already_uploaded(alice, bob, web):
    browser = web(alice)
    response = browser.post(
        "/u/bob/report", {"category": "other", "where": "lesson", "screenshot_1": png()}
    )
    assert response.status_code == 400
    assert "required" in response.content.decode()
    (kept,) = response.context["kept"]
    response = browser.post(
        "/u/bob/report",
        {"category": "other", "where": "lesson", "details": "Rude.", "uploads": [kept.pk]},
    )
    assert response.status_code == 302
    assert Evidence.objects.get().upload_id == kept.pk


def test_a_bad_screenshot_is_shown_on_its_field_and_nothing_is_filed(alice, bob, web):
    bad = SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")
    response = web(alice).post(
        "/u/bob/report", {"category": "spam", "where": "on_haven", "screenshot_1": bad}
    )
    assert response.status_code == 415
    assert "PNG, JPEG or WebP" in response.content.decode()
    assert not Report.objects.exists()


def test_the_page_refuses_a_message_it_did_not_offer(alice, bob, carol, web):
    _, theirs = chat_actions.start_chat(actor=bob, target=carol, body="private")
    response = web(alice).post(
        "/u/bob/report", {"category": "spam", "where": "on_haven", "messages": [theirs.pk]}
    )
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_the_page_refuses_screenshot_ids_that_are_not_numbers_or_not_yours(alice, carol, bob, web):
    carols = store_upload(actor=carol, file=named(image_bytes(), "c.png"))
    for forged in (["x"], [str(10**22)], [str(carols.pk)]):
        data = {"category": "spam", "where": "on_haven", "uploads": forged}
        response = web(alice).post("/u/bob/report", data)
        assert response.status_code == 400
        assert "screenshot" in response.content.decode() or "upload" in response.content.decode()
    assert not Report.objects.exists()


def test_rate_limited_page_answers_429_with_retry_after(alice, bob, web, settings):
    settings.HAVEN_REPORTS_PER_HOUR = 1
    browser = web(alice)
    data = {"category": "spam", "where": "on_haven"}
    assert browser.post("/u/bob/report", data).status_code == 302
    response = browser.post("/u/bob/report", data)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_my_reports_page_lists_reports_with_status_and_is_linked_from_settings(alice, bob, web):
    report = file_report(actor=alice, subject=bob, category="spam")
    browser = web(alice)
    assert "/reports" in browser.get("/settings").content.decode()
    page = browser.get("/reports").content.decode()
    assert f"/reports/{report.pk}" in page and "Received" in page and "Bob" in page
    assert "You haven't reported anyone" in web(bob).get("/reports").content.decode()
    assert web(bob).get(f"/reports/{report.pk}").status_code == 404


def test_report_pages_need_sign_in(bob):
    for url in ("/u/bob/report", "/reports"):
        assert Client().get(url)["Location"].startswith("/signin")


def test_my_reports_page_costs_the_same_queries_for_more_reports(
    alice, bob, web, count_queries, settings
):
    settings.HAVEN_REPORTS_PER_HOUR = 1000
    browser = web(alice)
    store_upload(actor=alice, file=named(image_bytes(), "s.png"))
    file_report(actor=alice, subject=bob, category="spam")
    browser.get("/reports")
    with count_queries() as few:
        browser.get("/reports")
    for _ in range(10):
        file_report(actor=alice, subject=bob, category="spam")
    with count_queries() as many:
        browser.get("/reports")
    assert len(many) == len(few)


def test_the_report_form_costs_the_same_queries_however_much_there_is_to_pick(
    alice, bob, carol, web, count_queries
):
    chat, _ = chat_actions.start_chat(actor=bob, target=alice, body="hi")
    carols = community.create_post(actor=carol, space="answers", title="Q", body="?")
    browser = web(alice)

    def grow():
        chat_actions.send_message(actor=bob, chat=chat, body="more")
        post = community.create_post(actor=bob, space="answers", title="T", body="B")
        community.add_comment(actor=bob, post=carols, body="c")
        community.share(actor=bob, text="s", post=post)

    grow()
    browser.get("/u/bob/report")
    with count_queries() as few:
        browser.get("/u/bob/report")
    for _ in range(5):
        grow()
    with count_queries() as many:
        page = browser.get("/u/bob/report")
    assert page.content.decode().count('name="shares"') == 6
    assert len(many) == len(few)
