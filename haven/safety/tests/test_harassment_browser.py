"""The issue's story, in a real browser: a member harassed in chat flags the message,
reports the harasser with that message and a screenshot, ticks "also block", and
from then on the harasser is refused neutrally, while the evidence stays intact
even after the harasser deletes the message."""

import pytest

from haven.chats import actions as chats
from haven.conftest import make_member
from haven.core.tests.browser import sign_in
from haven.safety.evidence import verify
from haven.safety.models import Block, Evidence, Flag, Report
from haven.safety.policies import CANNOT_MESSAGE
from haven.safety.tests.upload_helpers import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_harassed_member_flags_reports_and_blocks_and_it_stays_stopped(
    browser, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    alice = make_member("alice")
    bob = make_member("bob", native=("fr",))
    chat, _ = chats.start_chat(actor=bob, target=alice, body="hi, nice profile")
    nasty = chats.send_message(actor=bob, chat=chat, body="answer me or you'll regret it")
    screenshot = tmp_path / "lesson.png"
    screenshot.write_bytes(image_bytes("PNG"))

    page = sign_in(browser, live_server, "alice")
    page.goto(f"{live_server.url}/chats/{chat.pk}")
    page.click(f"#m{nasty.pk} >> text=Flag")
    page.check("text=Bullying or harassment")
    page.click("main button:has-text('Send')")
    page.wait_for_load_state()
    assert Flag.objects.filter(reporter=alice, target_id=nasty.pk).exists()

    page.goto(f"{live_server.url}/chats/{chat.pk}")
    page.click(f"#m{nasty.pk} >> text=Report Bob")
    page.select_option("#id_category", "harassment")
    page.fill("#id_details", "He threatens me when I don't answer.")
    assert page.is_checked(f"input[name=messages][value='{nasty.pk}']")
    page.set_input_files("input[name=screenshot_1]", str(screenshot))
    page.check("input[name=also_block]")
    page.click("main button:has-text('Send report')")
    page.wait_for_load_state()

    report = Report.objects.get(reporter=alice, subject=bob)
    assert report.also_blocked and Block.objects.filter(blocker=alice, blocked=bob).exists()
    kinds = set(Evidence.objects.filter(report=report).values_list("kind", flat=True))
    assert kinds == {"message", "screenshot"}
    page.goto(f"{live_server.url}/reports")
    assert "Bob" in page.content()

    harasser = sign_in(browser, live_server, "bob")
    harasser.goto(f"{live_server.url}/chats/{chat.pk}")
    harasser.fill("#id_body", "why don't you answer")
    harasser.click("main button:has-text('Send')")
    harasser.get_by_text(CANNOT_MESSAGE).wait_for()
    harasser.goto(f"{live_server.url}/chats/{chat.pk}/messages/{nasty.pk}/delete")
    harasser.click("main button:has-text('Delete message')")
    harasser.wait_for_load_state()

    copy = Evidence.objects.get(report=report, kind="message")
    assert copy.payload["text"] == "answer me or you'll regret it"
    assert verify(copy)
    assert "blocked" not in harasser.content().lower()  # never told, only refused
