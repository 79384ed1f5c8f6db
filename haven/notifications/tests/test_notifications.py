import pytest
from django.core import mail
from django.db import transaction

from haven.notifications.actions import notify

pytestmark = pytest.mark.django_db(transaction=False)


def test_notification_shows_in_the_centre_with_an_unread_badge(
    web, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(alice, title="We reviewed your report", body="We took action.", url="/reports")
    page = web(alice).get("/notifications")
    assert page.status_code == 200
    html = page.content.decode()
    assert "We reviewed your report" in html and "We took action." in html
    assert 'aria-label="1 unread"' in html
    assert mail.outbox[0].to == [alice.email]
    assert "We took action." in mail.outbox[0].body

    client = web(alice)
    assert client.post("/notifications/read").status_code == 302
    assert 'aria-label="1 unread"' not in client.get("/notifications").content.decode()


def test_a_rolled_back_action_sends_no_email(alice, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(alice, title="Never", body="")
        raise RuntimeError
    assert mail.outbox == []


def test_notifications_api_lists_only_your_own(api, alice, bob, committed):
    with committed(), transaction.atomic():
        notify(alice, title="For alice")
    assert [n["title"] for n in api(alice).get("/notifications").json()["items"]] == ["For alice"]
    assert api(bob).get("/notifications").json()["items"] == []
    assert api().get("/notifications").status_code == 401
    assert api(alice).post("/notifications/read").json() == {"marked": 1}


def test_empty_state(web, alice):
    assert "Nothing yet." in web(alice).get("/notifications").content.decode()


def test_a_delivery_run_twice_stores_and_emails_once(alice):
    from haven.notifications.models import Notification
    from haven.notifications.tasks import deliver

    for _ in range(2):  # a retry, or a second worker, with the key it was enqueued with
        deliver.enqueue(alice.pk, "k1", "We took action", "Thank you.", "/reports")
    assert Notification.objects.filter(member=alice).count() == 1
    assert len(mail.outbox) == 1


def test_a_mail_server_failure_is_retried_and_the_email_sent_once(alice, committed):
    from unittest import mock

    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages
    failures = iter([ConnectionRefusedError("mail server down")])

    def flaky(self, messages):
        error = next(failures, None)
        if error is not None:
            raise error
        return real(self, messages)

    with mock.patch.object(EmailBackend, "send_messages", flaky), committed(), transaction.atomic():
        notify(alice, title="Support replied to your ticket", body="Open it.")
    assert [m.subject for m in mail.outbox] == ["Haven: Support replied to your ticket"]
    assert alice.notifications.count() == 1


def test_an_email_task_run_twice_sends_once(alice):
    from haven.notifications.tasks import send_email

    send_email.enqueue("verify-1", "alice@example.org", "Haven: confirm", "Open the link.")
    send_email.enqueue("verify-1", "alice@example.org", "Haven: confirm", "Open the link.")
    assert len(mail.outbox) == 1
