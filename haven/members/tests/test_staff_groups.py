"""Staff groups exist after every migrate, carry their admin permissions, and the
Django admin never lets a lower role act on a higher one."""

import pytest
from django.contrib.auth.models import Group

from haven.audit.models import AuditEntry
from haven.conftest import make_member
from haven.members.groups import ensure_staff_groups
from haven.members.roles import ADMIN, MODERATOR, SUPPORT_AGENT

pytestmark = pytest.mark.django_db


def perms(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {
        f"{app}.{code}"
        for app, code in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_migrate_creates_the_three_staff_groups_with_their_permissions():
    assert perms(SUPPORT_AGENT) == {"members.view_member", "members.view_memberlanguage"}
    assert perms(MODERATOR) == {
        "members.view_member",
        "members.change_member",
        "community.view_post",
        "community.view_comment",
        "community.view_share",
    }  # no chats.view_message: private chats reach moderators only as case evidence
    assert {"members.delete_member", "auth.change_group", "chats.view_message"} <= perms(ADMIN)


def test_ensuring_the_groups_again_changes_nothing():
    before = {role: perms(role) for role in (SUPPORT_AGENT, MODERATOR, ADMIN)}
    ensure_staff_groups()
    ensure_staff_groups()
    assert Group.objects.count() == 3
    assert {role: perms(role) for role in before} == before


def test_an_admin_uses_django_admin(ada, alice, web):
    browser = web(ada)
    assert browser.get("/admin/members/member/").status_code == 200
    assert browser.get(f"/admin/members/member/{alice.pk}/change/").status_code == 200
    for path in ("community/post", "community/comment", "chats/message", "friends/friendship"):
        assert browser.get(f"/admin/{path}/").status_code == 200, path


def test_a_moderator_only_looks_at_a_member_in_django_admin(mia, alice, web):
    browser = web(mia)
    page = browser.get(f"/admin/members/member/{alice.pk}/change/")
    assert page.status_code == 200
    assert b'name="email"' not in page.content  # view only: no identity fields to edit
    assert browser.get(f"/admin/members/member/{alice.pk}/password/").status_code == 403
    form = {"username": "alice", "display_name": "Alice R.", "email": "evil@example.org"}
    form |= {"kind": "student", "bio": ""}
    assert browser.post(f"/admin/members/member/{alice.pk}/change/", form).status_code == 403
    alice.refresh_from_db()
    assert alice.email == "alice@example.org" and alice.display_name == "Alice"
    assert not AuditEntry.objects.filter(event="admin_change").exists()


def test_an_admins_edit_in_django_admin_is_audited_with_old_and_new(ada, alice, web):
    form = {"username": "alice", "display_name": "Alice R.", "email": "alice@example.org"}
    form |= {"kind": "student", "bio": "", "languages-TOTAL_FORMS": "0"}
    form |= {"languages-INITIAL_FORMS": "0"}
    response = web(ada).post(f"/admin/members/member/{alice.pk}/change/", form)
    assert response.status_code == 302, response.content[:2000]
    entry = AuditEntry.objects.get(event="admin_change", target_id=alice.pk)
    assert entry.actor == ada
    assert entry.old == {"display_name": "Alice"} and entry.new == {"display_name": "Alice R."}


def test_nobody_changes_a_members_email_in_django_admin(ada, alice, web):
    browser = web(ada)
    assert b'name="email"' not in browser.get(f"/admin/members/member/{alice.pk}/change/").content
    form = {"username": "alice", "display_name": "Alice", "email": "evil@example.org"}
    form |= {"kind": "student", "bio": "", "languages-TOTAL_FORMS": "0"}
    form |= {"languages-INITIAL_FORMS": "0"}
    assert browser.post(f"/admin/members/member/{alice.pk}/change/", form).status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"
    assert not AuditEntry.objects.filter(event="admin_change").exists()


def _language_forms(alice) -> dict:
    rows = list(alice.languages.order_by("pk"))
    form = {"username": "alice", "display_name": "Alice", "kind": "student", "bio": ""}
    form |= {"languages-TOTAL_FORMS": str(len(rows) + 1), "languages-INITIAL_FORMS": str(len(rows))}
    for i, row in enumerate(rows):
        form |= {f"languages-{i}-id": str(row.pk), f"languages-{i}-member": str(alice.pk)}
        form |= {f"languages-{i}-code": row.code, f"languages-{i}-kind": row.kind}
    return form


def test_an_admins_edits_of_a_members_languages_are_audited(ada, alice, web):
    native, learning = alice.languages.get(kind="native"), alice.languages.get(kind="learning")
    form = _language_forms(alice)
    first, second = (0, 1) if alice.languages.order_by("pk")[0] == native else (1, 0)
    form[f"languages-{first}-code"] = "de"  # native English becomes German
    form[f"languages-{second}-DELETE"] = "on"  # no longer learning Japanese
    form |= {"languages-2-member": str(alice.pk), "languages-2-code": "ko"}
    form |= {"languages-2-kind": "learning"}
    response = web(ada).post(f"/admin/members/member/{alice.pk}/change/", form)
    assert response.status_code == 302, response.content[:3000]
    assert set(alice.languages.values_list("code", "kind")) == {
        ("de", "native"),
        ("ko", "learning"),
    }
    entries = AuditEntry.objects.filter(actor=ada, target_type="memberlanguage")
    changed = entries.get(event="admin_change")
    assert (changed.target_id, changed.old, changed.new) == (
        native.pk,
        {"code": "en"},
        {"code": "de"},
    )
    deleted = entries.get(event="admin_delete")
    assert (deleted.target_id, deleted.snapshot["code"]) == (learning.pk, "ja")
    added = entries.get(event="admin_add")
    assert (added.snapshot["code"], added.snapshot["kind"]) == ("ko", "learning")


def test_a_moderator_cannot_change_an_admin_in_django_admin(mia, ada, web):
    browser = web(mia)
    page = browser.get(f"/admin/members/member/{ada.pk}/change/")
    assert page.status_code == 200
    assert b'name="display_name"' not in page.content  # view only
    response = browser.post(f"/admin/members/member/{ada.pk}/change/", {"display_name": "x"})
    assert response.status_code == 403
    ada.refresh_from_db()
    assert ada.display_name == "Ada"


def test_a_support_agent_can_only_look(sam, alice, web):
    browser = web(sam)
    assert browser.get(f"/admin/members/member/{alice.pk}/change/").status_code == 200
    assert browser.get("/admin/community/post/").status_code == 403
    response = browser.post(f"/admin/members/member/{alice.pk}/change/", {"display_name": "x"})
    assert response.status_code == 403


def test_members_without_staff_status_are_sent_to_the_admin_sign_in(alice, web):
    response = web(alice).get("/admin/members/member/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_nobody_adds_members_or_tokens_through_django_admin(ada, web):
    browser = web(ada)
    assert browser.get("/admin/members/member/add/").status_code == 403
    assert browser.get("/admin/members/apitoken/add/").status_code == 403
    assert make_member("dave").username == "dave"  # accounts come from sign-up


def test_an_admins_delete_in_django_admin_is_audited_with_a_snapshot(ada, alice, web):
    from haven.community.actions import create_post

    post = create_post(actor=alice, space="answers", title="A question", body="Body")
    response = web(ada).post(f"/admin/community/post/{post.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(event="admin_delete", target_type="post", target_id=post.pk)
    assert entry.actor == ada and entry.snapshot["title"] == "A question"


def test_createsuperuser_makes_an_admin_who_opens_the_staff_desk(web, monkeypatch):
    from django.core.management import call_command

    from haven.members.models import Member
    from haven.members.roles import role_of

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long operator passphrase")
    call_command("createsuperuser", interactive=False, username="root", email="root@haven.example")
    root = Member.objects.get(username="root")
    assert role_of(root) == ADMIN and root.public_id
    assert web(root).get("/staff/roles").status_code == 200
    assert web(root).get("/staff/audit").status_code == 200
