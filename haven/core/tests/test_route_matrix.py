"""The route × persona matrix (issue 12): every web route and every API operation,
asked by each of ten personas, answers the status written in the tables below.

The routes come from the URL configuration (web pages) and the OpenAPI document (API
operations), so a route added without a row here fails `test_every_route_has_a_row`.

Alice (`member`) owns the things the routes name by id: a post, a comment, a timeline
share, a chat with her friend Dan and its message, a report about Bob, a ticket, an
upload, an API token, a friend request from Eve, a warning she may appeal. The other
personas ask for the same things:

    anon  signed out                    rst  restricted (reads, starts nothing)
    mem   alice, the owner              sus  suspended (session and token stop working)
    oth   carol, no link to alice       rem  removed from Haven
    blk   bob, whom alice blocked       sup  support agent · mod  moderator · adm  admin

A `!` after a redirect means the page went back with an error message: a refusal, so
a 302 never hides one. Alice's private things asked for by id (ticket, report, upload,
chat and its messages, appeal, token, friend request) are 404 to everyone else, never
403, which would say they exist. Notifications, standing and the data export have no
route by id: each is the asker's own, and the leak check below shows Alice's never
reach anyone else.

The world is built once per module; each cell runs in a savepoint that is rolled back,
so every persona meets the same world. Beyond the status, every cell checks that
nothing answers 5xx, that API errors have Haven's error shape, and that Alice's private
things (her email address, the words of her report, ticket and chat) reach nobody but
her and the staff.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import cache as memoized
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from haven.api import api as ninja_api
from haven.chats.actions import start_chat
from haven.community.actions import add_comment, create_post, share
from haven.conftest import PASSWORD, ApiClient, _staff, make_member
from haven.friends.actions import accept_friend_request, send_friend_request
from haven.helpcenter.models import Article
from haven.members import actions as member_actions
from haven.members.addresses import verification_token
from haven.members.models import Member
from haven.members.roles import ADMIN, MODERATOR, SUPPORT_AGENT
from haven.moderation import enforcement
from haven.moderation.links import standing_url
from haven.moderation.models import Case
from haven.safety.blocks import block_member
from haven.safety.reports import EvidenceRef, file_report
from haven.safety.tests.upload_helpers import image_bytes, post_upload
from haven.support.actions import file_ticket

pytestmark = pytest.mark.django_db

PERSONAS = ("anon", "mem", "oth", "blk", "rst", "sus", "rem", "sup", "mod", "adm")
STAFF = {"sup", "mod", "adm"}
SECRETS = ("alice@example.org", "SECRET-REPORT-7c1", "SECRET-TICKET-5d2", "SECRET-CHAT-9e3")


# ------------------------------------------------------------------ the world


def _warned(member: Member, reporter: Member, moderator: Member):
    """A warning on `member`, decided by `moderator` on a report by `reporter`."""
    file_report(actor=reporter, subject=member, category="spam", details="Adverts.")
    case = Case.objects.get(target_type="member", target_id=member.pk)
    enforcement.claim(actor=moderator, case_id=case.pk)
    case.refresh_from_db()
    return enforcement.act(
        actor=moderator,
        case_id=case.pk,
        action="warn",
        category="spam",
        reason="Adverts in chat.",
        version=case.version,
    )


def build_world() -> SimpleNamespace:
    alice = make_member("alice", native=("en",), learning=("ja",))
    carol = make_member("carol", kind="teacher", native=("es",), learning=("en",))
    bob = make_member("bob", native=("fr",), learning=("en",))
    rita, sue, rob = make_member("rita"), make_member("sue"), make_member("rob")
    sam, mia, ada = _staff("sam", SUPPORT_AGENT), _staff("mia", MODERATOR), _staff("ada", ADMIN)
    dan, eve, finn = make_member("dan"), make_member("eve"), make_member("finn")
    max_ = _staff("max", MODERATOR)
    members = dict(
        zip(PERSONAS[1:], (alice, carol, bob, rita, sue, rob, sam, mia, ada), strict=True)
    )

    accept_friend_request(actor=dan, request=send_friend_request(actor=alice, target=dan))
    incoming = send_friend_request(actor=eve, target=alice)
    outgoing = send_friend_request(actor=alice, target=finn)
    post = create_post(actor=alice, space="discussions", title="Keigo", body="Help me.")
    comment = add_comment(actor=alice, post=post, body="Anyone?")
    shared = share(actor=alice, text="Practising keigo today")
    chat, message = start_chat(actor=alice, target=dan, body="SECRET-CHAT-9e3 see you")
    _, harassing = start_chat(actor=bob, target=alice, body="You're stupid")
    report = file_report(
        actor=alice,
        subject=bob,
        category="harassment",
        details="SECRET-REPORT-7c1 insults",
        evidence=[EvidenceRef("message", harassing.pk)],
    )
    block_member(actor=alice, target=bob)
    ticket = file_ticket(actor=alice, topic="other", description="SECRET-TICKET-5d2 help")
    upload = post_upload(ApiClient(alice), image_bytes("PNG"), "proof.png").json()["id"]
    token, _ = member_actions.create_token(actor=alice, name="script")
    warning = _warned(alice, eve, max_)  # hers to appeal
    sue_warning = _warned(sue, eve, max_)  # appealed through her standing link
    appeal = enforcement.file_appeal(
        member=finn, enforcement_id=_warned(finn, eve, max_).pk, text="Not me."
    )
    article = Article.objects.filter(slug="blocking").first()
    case = Case.objects.get(target_type="member", target_id=bob.pk)

    # Everyone signs in (a browser session and an API token) before staff act on them.
    sessions, tokens = {}, {}
    for persona, member in members.items():
        browser = Client()
        browser.force_login(member, backend="haven.members.standing.StandingBackend")
        sessions[persona] = browser.cookies[settings.SESSION_COOKIE_NAME].value
        tokens[persona] = member_actions.create_token(actor=member, name="matrix")[1]
    now = timezone.now()
    Member.objects.filter(pk=rita.pk).update(restricted_until=now + timedelta(days=7))
    Member.objects.filter(pk=sue.pk).update(suspended_until=now + timedelta(days=7))
    Member.objects.filter(pk=rob.pk).update(removed_at=now, is_active=False)  # as removal does
    sue.refresh_from_db()

    ids = {
        "post_id": post.pk,
        "comment_id": comment.pk,
        "share_id": shared.pk,
        "chat_id": chat.pk,
        "message_id": message.pk,
        "request_id": incoming.pk,
        "outgoing_id": outgoing.pk,
        "report_id": report.pk,
        "ticket_id": ticket.pk,
        "upload_id": upload,
        "token_id": token.pk,
        "appeal_id": appeal.pk,
        "enforcement_id": warning.pk,
        "case_id": case.pk,
        "slug": article.slug,
        "pk": article.pk,
        "username": "alice",
        "target_type": "post",
        "target_id": post.pk,
        "space": "discussions",
        "token": verification_token(alice),
        "uid": urlsafe_base64_encode(force_bytes(alice.pk)),
        "reset_token": default_token_generator.make_token(alice),
        "standing_token": standing_url(sue).rsplit("/", 1)[1],
        "sue_enforcement": sue_warning.pk,
        "case_version": case.version,
    }
    return SimpleNamespace(ids=ids, sessions=sessions, tokens=tokens)


# ------------------------------------------------------------------ the tables
# METHOD route  then the ten personas' statuses, in the order of PERSONAS.

WEB_TABLE = """
#                                     anon mem  oth  blk  rst  sus  rem  sup  mod  adm
GET    api/docs                       302  302  302  302  302  302  302  302  302  302
GET    api/openapi.json               302  302  302  302  302  302  302  302  302  302
GET    api:api-root                   404  404  404  404  404  404  404  404  404  404
GET    api:openapi-json               200  200  200  200  200  200  200  200  200  200
GET    api:openapi-view               200  200  200  200  200  200  200  200  200  200
GET    audit:log                      302  403  403  403  403  302  302  403  403  200
GET    chats:chat                     302  200  404  404  404  302  302  404  404  404
GET    chats:delete_message           302  200  404  404  404  302  302  404  404  404
POST   chats:delete_message           302  302  404  404  404  302  302  404  404  404
GET    chats:list                     302  200  200  200  200  302  302  200  200  200
GET    chats:send                     302  405  405  405  405  302  302  405  405  405
POST   chats:send                     302  302  404  404  404  302  302  404  404  404
GET    chats:start                    302  200  200  302  200  302  302  200  200  200
POST   chats:start                    302  400  302  403  403  302  302  302  302  302
GET    community:add_comment          302  405  405  405  405  302  302  405  405  405
POST   community:add_comment          302  302  302  403  403  302  302  302  302  302
GET    community:add_share_comment    302  405  405  405  405  302  302  405  405  405
POST   community:add_share_comment    302  302  302  404  403  302  302  302  302  302
GET    community:create_share         302  405  405  405  405  302  302  405  405  405
POST   community:create_share         302  302  302  302  403  302  302  302  302  302
GET    community:delete_comment       302  200  200  200  200  302  302  200  200  200
POST   community:delete_comment       302  302  403  403  403  302  302  403  403  403
GET    community:delete_post          302  200  200  200  200  302  302  200  200  200
POST   community:delete_post          302  302  403  403  403  302  302  403  403  403
GET    community:delete_share         302  200  200  404  200  302  302  200  200  200
POST   community:delete_share         302  302  403  404  403  302  302  403  403  403
GET    community:edit_comment         302  200  200  200  200  302  302  200  200  200
POST   community:edit_comment         302  302  403  403  403  302  302  403  403  403
GET    community:edit_post            302  200  200  200  200  302  302  200  200  200
POST   community:edit_post            302  302  403  403  403  302  302  403  403  403
GET    community:home                 200  200  200  200  200  200  200  200  200  200
GET    community:new_post             302  200  200  200  200  302  302  200  200  200
POST   community:new_post             302  302  302  302  403  302  302  302  302  302
GET    community:post                 200  200  200  200  200  200  200  200  200  200
GET    community:share                302  200  200  404  200  302  302  200  200  200
GET    community:space                200  200  200  200  200  200  200  200  200  200
GET    exports:export                 302  200  200  200  200  302  302  200  200  200
POST   exports:export                 302  200  200  200  200  302  302  200  200  200
GET    friends:accept                 302  405  405  405  405  302  302  405  405  405
POST   friends:accept                 302  302  404  404  404  302  302  404  404  404
GET    friends:cancel                 302  405  405  405  405  302  302  405  405  405
POST   friends:cancel                 302  302  404  404  404  302  302  404  404  404
GET    friends:decline                302  405  405  405  405  302  302  405  405  405
POST   friends:decline                302  302  404  404  404  302  302  404  404  404
GET    friends:list                   302  200  200  200  200  302  302  200  200  200
GET    friends:send                   302  405  405  405  405  302  302  405  405  405
POST   friends:send                   302  302! 302  302! 302! 302  302  302  302  302
GET    friends:unfriend               302  200  200  200  200  302  302  200  200  200
POST   friends:unfriend               302  302  302! 302! 302! 302  302  302! 302! 302!
GET    healthz                        200  200  200  200  200  200  200  200  200  200
GET    helpcenter:article             200  200  200  200  200  200  200  200  200  200
GET    helpcenter:home                200  200  200  200  200  200  200  200  200  200
GET    helpcenter:staff_edit          302  403  403  403  403  302  302  403  403  200
POST   helpcenter:staff_edit          302  403  403  403  403  302  302  403  403  302
GET    helpcenter:staff_list          302  403  403  403  403  302  302  403  403  200
GET    helpcenter:staff_new           302  403  403  403  403  302  302  403  403  200
POST   helpcenter:staff_new           302  403  403  403  403  302  302  403  403  302
GET    helpcenter:staff_publish       302  405  405  405  405  302  302  405  405  405
POST   helpcenter:staff_publish       302  403  403  403  403  302  302  403  403  302
GET    helpcenter:vote                405  405  405  405  405  405  405  405  405  405
POST   helpcenter:vote                302  302  302  302  302  302  302  302  302  302
GET    members:edit_profile           302  200  200  200  200  302  302  200  200  200
POST   members:edit_profile           302  302  302  302  302  302  302  302  302  302
GET    members:email                  302  200  200  200  200  302  302  200  200  200
POST   members:email                  302  302  302  302  302  302  302  302  302  302
GET    members:password               302  200  200  200  200  302  302  200  200  200
POST   members:password               302  302  302  302  302  302  302  302  302  302
GET    members:password_reset         200  200  200  200  200  200  200  200  200  200
POST   members:password_reset         200  200  200  200  200  200  200  200  200  200
GET    members:password_reset_confirm 200  200  200  200  200  200  200  200  200  200
POST   members:password_reset_confirm 302  302  302  302  302  302  302  302  302  302
GET    members:profile                200  200  200  200  200  200  200  200  200  200
GET    members:resend_verification    302  405  405  405  405  302  302  405  405  405
POST   members:resend_verification    302  302  302  302  302  302  302  302  302  302
GET    members:revoke_token           302  200  404  404  404  302  302  404  404  404
POST   members:revoke_token           302  302  302! 302! 302! 302  302  302! 302! 302!
GET    members:search                 302  200  200  200  200  302  302  200  200  200
GET    members:settings               302  200  200  200  200  302  302  200  200  200
GET    members:signin                 200  302  302  302  302  200  200  302  302  302
GET    members:signout                405  405  405  405  405  405  405  405  405  405
GET    members:signup                 200  302  302  302  302  200  200  302  302  302
POST   members:signup                 302  302  302  302  302  302  302  302  302  302
GET    members:tokens                 302  200  200  200  200  302  302  200  200  200
POST   members:tokens                 302  200  200  200  200  302  302  200  200  200
GET    members:verify_email           200  200  200  200  200  200  200  200  200  200
GET    moderation:appeal              302  403  403  403  403  302  302  403  200  200
POST   moderation:appeal              302  403  403  403  403  302  302  403  302  302
GET    moderation:appeals             302  403  403  403  403  302  302  403  200  200
GET    moderation:case                302  403  403  403  403  302  302  200  200  200
GET    moderation:cases               302  302  302  302  302  302  302  302  302  302
GET    moderation:claim               302  405  405  405  405  302  302  405  405  405
POST   moderation:claim               302  403  403  403  403  302  302  403  302  302
GET    moderation:dashboard           302  403  403  403  403  302  302  200  200  200
GET    moderation:decide              302  405  405  405  405  302  302  405  405  405
POST   moderation:decide              302  403  403  403  403  302  302  302! 302  302
GET    moderation:queue               302  403  403  403  403  302  302  200  200  200
GET    moderation:release             302  405  405  405  405  302  302  405  405  405
POST   moderation:release             302  403  403  403  403  302  302  403  302! 302!
GET    moderation:staff_roles         302  403  403  403  403  302  302  403  403  200
POST   moderation:staff_roles         302  403  403  403  403  302  302  403  403  302
GET    moderation:standing            302  200  200  200  200  302  302  200  200  200
POST   moderation:standing            302  302  302! 302! 302! 302  302  302! 302! 302!
GET    moderation:standing_link       200  200  200  200  200  200  200  200  200  200
POST   moderation:standing_link       302  302  302  302  302  302  302  302  302  302
GET    notifications:list             302  200  200  200  200  302  302  200  200  200
GET    notifications:read             302  405  405  405  405  302  302  405  405  405
POST   notifications:read             302  302  302  302  302  302  302  302  302  302
GET    readyz                         200  200  200  200  200  200  200  200  200  200
GET    safety:block                   302  200  200  200  200  302  302  200  200  200
POST   safety:block                   302  400  302  302  302  302  302  302  302  302
GET    safety:blocked                 302  200  200  200  200  302  302  200  200  200
GET    safety:flag                    302  400  200  200  200  302  302  200  200  200
POST   safety:flag                    302  400  302  302  302  302  302  302  302  302
GET    safety:privacy                 302  200  200  200  200  302  302  200  200  200
POST   safety:privacy                 302  302  302  302  302  302  302  302  302  302
GET    safety:report_detail           302  200  404  404  404  302  302  404  404  404
GET    safety:report_member           302  400  200  200  200  302  302  200  200  200
POST   safety:report_member           302  400  302  302  302  302  302  302  302  302
GET    safety:reports                 302  200  200  200  200  302  302  200  200  200
GET    safety:unblock                 302  200  200  200  200  302  302  200  200  200
POST   safety:unblock                 302  302  302  302  302  302  302  302  302  302
GET    safety:upload                  302  200  404  404  404  302  302  200  200  200
GET    support:assign                 302  405  405  405  405  302  302  405  405  405
POST   support:assign                 302  403  403  403  403  302  302  302  302  302
GET    support:home                   302  200  200  200  200  302  302  200  200  200
POST   support:home                   302  302  302  302  302  302  302  302  302  302
GET    support:inbox                  302  403  403  403  403  302  302  200  200  200
GET    support:reopen                 302  405  405  405  405  302  302  405  405  405
POST   support:reopen                 302  403  403  403  403  302  302  302  302  302
GET    support:resolve                302  403  403  403  403  302  302  200  200  200
POST   support:resolve                302  403  403  403  403  302  302  302  302  302
GET    support:staff_reply            302  405  405  405  405  302  302  405  405  405
POST   support:staff_reply            302  403  403  403  403  302  302  302  302  302
GET    support:staff_ticket           302  403  403  403  403  302  302  200  200  200
GET    support:ticket                 302  200  404  404  404  302  302  404  404  404
POST   support:ticket                 302  302  404  404  404  302  302  404  404  404
"""

API_TABLE = """
#                                             anon mem  oth  blk  rst  sus  rem  sup  mod  adm
POST   /auth/email-verification               204  204  204  204  204  204  204  204  204  204
POST   /auth/password-reset                   202  202  202  202  202  202  202  202  202  202
POST   /auth/password-reset/confirm           204  204  204  204  204  204  204  204  204  204
POST   /auth/signup                           201  201  201  201  201  201  201  201  201  201
POST   /auth/token                            201  201  201  201  201  201  201  201  201  201
GET    /chats                                 401  200  200  200  200  401  401  200  200  200
POST   /chats                                 401  400  201  403  403  401  401  201  201  201
GET    /chats/{chat_id}/messages              401  200  404  404  404  401  401  404  404  404
POST   /chats/{chat_id}/messages              401  201  404  404  404  401  401  404  404  404
DELETE /chats/{chat_id}/messages/{message_id} 401  204  404  404  404  401  401  404  404  404
PATCH  /comments/{comment_id}                 401  200  403  403  403  401  401  403  403  403
DELETE /comments/{comment_id}                 401  204  403  403  403  401  401  403  403  403
GET    /feed                                  401  200  200  200  200  401  401  200  200  200
POST   /flags                                 401  400  201  201  201  401  401  201  201  201
GET    /friend-requests                       401  200  200  200  200  401  401  200  200  200
POST   /friend-requests                       401  400  201  403  403  401  401  201  201  201
DELETE /friend-requests/{request_id}          401  204  404  404  404  401  401  404  404  404
POST   /friend-requests/{request_id}/accept   401  200  404  404  404  401  401  404  404  404
POST   /friend-requests/{request_id}/decline  401  200  404  404  404  401  401  404  404  404
GET    /help/articles                         200  200  200  200  200  200  200  200  200  200
GET    /help/articles/{slug}                  200  200  200  200  200  200  200  200  200  200
POST   /help/articles/{slug}/votes            200  200  200  200  200  200  200  200  200  200
GET    /me                                    401  200  200  200  200  401  401  200  200  200
PATCH  /me                                    401  200  200  200  200  401  401  200  200  200
POST   /me/appeals                            401  201  404  404  404  401  401  404  404  404
GET    /me/blocks                             401  200  200  200  200  401  401  200  200  200
PUT    /me/blocks/{username}                  401  400  200  200  200  401  401  200  200  200
DELETE /me/blocks/{username}                  401  204  204  204  204  401  401  204  204  204
GET    /me/email                              401  200  200  200  200  401  401  200  200  200
PUT    /me/email                              401  200  200  200  200  401  401  200  200  200
POST   /me/email/verification                 401  204  204  204  204  401  401  204  204  204
POST   /me/export                             401  200  200  200  200  401  401  200  200  200
GET    /me/friends                            401  200  200  200  200  401  401  200  200  200
DELETE /me/friends/{username}                 401  204  404  404  404  401  401  404  404  404
PUT    /me/password                           401  200  200  200  200  401  401  200  200  200
GET    /me/privacy                            401  200  200  200  200  401  401  200  200  200
PUT    /me/privacy                            401  200  200  200  200  401  401  200  200  200
GET    /me/reports                            401  200  200  200  200  401  401  200  200  200
GET    /me/reports/{report_id}                401  200  404  404  404  401  401  404  404  404
GET    /me/standing                           401  200  200  200  200  401  401  200  200  200
GET    /me/tokens                             401  200  200  200  200  401  401  200  200  200
POST   /me/tokens                             401  201  201  201  201  401  401  201  201  201
DELETE /me/tokens/{token_id}                  401  204  404  404  404  401  401  404  404  404
GET    /members                               401  200  200  200  200  401  401  200  200  200
GET    /members/{username}                    200  200  200  200  200  200  200  200  200  200
GET    /members/{username}/timeline           401  200  200  403  200  401  401  200  200  200
GET    /notifications                         401  200  200  200  200  401  401  200  200  200
POST   /notifications/read                    401  200  200  200  200  401  401  200  200  200
GET    /policy-categories                     200  200  200  200  200  200  200  200  200  200
GET    /posts                                 200  200  200  200  200  200  200  200  200  200
POST   /posts                                 401  201  201  201  403  401  401  201  201  201
GET    /posts/{post_id}                       200  200  200  200  200  200  200  200  200  200
PATCH  /posts/{post_id}                       401  200  403  403  403  401  401  403  403  403
DELETE /posts/{post_id}                       401  204  403  403  403  401  401  403  403  403
GET    /posts/{post_id}/comments              200  200  200  200  200  200  200  200  200  200
POST   /posts/{post_id}/comments              401  201  201  403  403  401  401  201  201  201
POST   /reports                               401  400  201  201  201  401  401  201  201  201
GET    /staff/appeals                         401  403  403  403  403  401  401  403  200  200
GET    /staff/appeals/{appeal_id}             401  403  403  403  403  401  401  403  200  200
POST   /staff/appeals/{appeal_id}/decision    401  403  403  403  403  401  401  403  200  200
GET    /staff/audit                           401  403  403  403  403  401  401  403  403  200
GET    /staff/cases                           401  403  403  403  403  401  401  200  200  200
GET    /staff/cases/{case_id}                 401  403  403  403  403  401  401  200  200  200
POST   /staff/cases/{case_id}/actions         401  403  403  403  403  401  401  403  201  201
POST   /staff/cases/{case_id}/claim           401  403  403  403  403  401  401  403  200  200
POST   /staff/cases/{case_id}/release         401  403  403  403  403  401  401  403  409  409
GET    /staff/dashboard                       401  403  403  403  403  401  401  200  200  200
GET    /staff/roles                           401  403  403  403  403  401  401  403  403  200
PUT    /staff/roles/{username}                401  403  403  403  403  401  401  403  403  200
GET    /staff/tickets                         401  403  403  403  403  401  401  200  200  200
GET    /staff/tickets/{ticket_id}             401  403  403  403  403  401  401  200  200  200
POST   /staff/tickets/{ticket_id}/assign      401  403  403  403  403  401  401  200  200  200
POST   /staff/tickets/{ticket_id}/reopen      401  403  403  403  403  401  401  200  200  200
POST   /staff/tickets/{ticket_id}/replies     401  403  403  403  403  401  401  201  201  201
POST   /staff/tickets/{ticket_id}/resolve     401  403  403  403  403  401  401  200  200  200
GET    /support/tickets                       401  200  200  200  200  401  401  200  200  200
POST   /support/tickets                       401  201  201  201  201  401  401  201  201  201
GET    /support/tickets/{ticket_id}           401  200  404  404  404  401  401  404  404  404
POST   /support/tickets/{ticket_id}/replies   401  201  404  404  404  401  401  404  404  404
POST   /timeline                              401  201  201  201  403  401  401  201  201  201
GET    /timeline/{share_id}                   401  200  200  404  200  401  401  200  200  200
DELETE /timeline/{share_id}                   401  204  403  404  403  401  401  403  403  403
GET    /timeline/{share_id}/comments          401  200  200  404  200  401  401  200  200  200
POST   /timeline/{share_id}/comments          401  201  201  404  403  401  401  201  201  201
POST   /uploads                               401  201  201  201  201  401  401  201  201  201
GET    /uploads/{upload_id}                   401  200  404  404  404  401  401  200  200  200
GET    /uploads/{upload_id}/file              401  200  404  404  404  401  401  200  200  200
"""

# What each request sends and which ids it names, where the defaults (the ids above,
# `username` alice, an empty body) are not what the row means. A string naming an id
# stands for the id.
NEW_PASSWORD = "another-horse-battery-7"
POST_TEXT = {"title": "Particles", "body": "wa or ga?", "language": "ja"}
PRIVACY = {
    "who_can_chat": "friends",
    "who_can_friend": "nobody",
    "who_can_see_timeline": "friends",
    "searchable": "no",
}
WEB_ARGS: dict[tuple[str, str], dict] = {
    ("POST", "friends:unfriend"): {"username": "dan"},
    ("POST", "friends:cancel"): {"request_id": "outgoing_id"},
    ("POST", "safety:unblock"): {"username": "bob"},
    ("GET", "moderation:standing_link"): {"token": "standing_token"},
    ("POST", "moderation:standing_link"): {"token": "standing_token"},
    ("GET", "members:password_reset_confirm"): {"token": "reset_token"},
    ("POST", "members:password_reset_confirm"): {"token": "reset_token"},
}
WEB_DATA: dict[tuple[str, str], dict] = {
    ("POST", "members:signup"): {
        "username": "newbie",
        "email": "newbie@example.org",
        "password": NEW_PASSWORD,
        "kind": "student",
        "native_languages": "en",
    },
    ("POST", "members:signin"): {"username": "alice", "password": PASSWORD},
    ("POST", "members:edit_profile"): {
        "display_name": "Al",
        "kind": "student",
        "native_languages": "en",
    },
    ("POST", "members:email"): {"email": "new@example.org", "password": PASSWORD},
    ("POST", "members:password"): {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    ("POST", "members:password_reset"): {"email": "alice@example.org"},
    ("POST", "members:password_reset_confirm"): {"new_password": NEW_PASSWORD},
    ("POST", "members:tokens"): {"name": "bot"},
    ("POST", "community:edit_post"): POST_TEXT,
    ("POST", "community:new_post"): POST_TEXT,
    ("POST", "community:add_comment"): {"body": "Try ga."},
    ("POST", "community:edit_comment"): {"body": "Try ga."},
    ("POST", "community:create_share"): {"text": "Hello"},
    ("POST", "community:add_share_comment"): {"body": "Nice"},
    ("POST", "chats:start"): {"body": "Hi!"},
    ("POST", "chats:send"): {"body": "Hi!"},
    ("POST", "safety:privacy"): PRIVACY,
    ("POST", "safety:flag"): {"category": "spam"},
    ("POST", "safety:report_member"): {
        "category": "harassment",
        "details": "Rude.",
        "where": "on_haven",
    },
    ("POST", "moderation:decide"): {
        "action": "warn",
        "category": "harassment",
        "reason": "Insults.",
        "version": "case_version",
        "confirmed": "yes",
    },
    ("POST", "moderation:appeal"): {"decision": "upheld", "reason": "It stands."},
    ("POST", "moderation:staff_roles"): {"username": "carol", "role": "support_agent"},
    ("POST", "moderation:standing"): {"enforcement": "enforcement_id", "text": "Not me."},
    ("POST", "moderation:standing_link"): {"enforcement": "sue_enforcement", "text": "Sorry."},
    ("POST", "helpcenter:vote"): {"helpful": "yes"},
    ("POST", "helpcenter:staff_new"): {
        "title": "New",
        "slug": "new-one",
        "section": "safety",
        "language": "en",
        "body": "Text.",
    },
    ("POST", "helpcenter:staff_edit"): {
        "title": "Blocking",
        "slug": "blocking",
        "section": "safety",
        "language": "en",
        "body": "Text.",
    },
    ("POST", "helpcenter:staff_publish"): {"published": "no"},
    ("POST", "support:home"): {"topic": "account", "description": "I can't sign in."},
    ("POST", "support:ticket"): {"body": "Any news?"},
    ("POST", "support:staff_reply"): {"body": "Looking."},
    ("POST", "support:assign"): {"assignee": "me"},
    ("POST", "exports:export"): {"password": PASSWORD},
}
API_ARGS: dict[tuple[str, str], dict] = {
    ("DELETE", "/me/friends/{username}"): {"username": "dan"},
    ("DELETE", "/friend-requests/{request_id}"): {"request_id": "outgoing_id"},
    ("DELETE", "/me/blocks/{username}"): {"username": "bob"},
    ("PUT", "/staff/roles/{username}"): {"username": "carol"},
}
API_DATA: dict[tuple[str, str], dict] = {  # the query string of a GET
    ("GET", "/posts"): {"space": "discussions"},
    ("POST", "/auth/signup"): {
        "username": "newbie",
        "email": "newbie@example.org",
        "password": NEW_PASSWORD,
    },
    ("POST", "/auth/token"): {"username": "alice", "password": PASSWORD},
    ("PATCH", "/me"): {"display_name": "Al"},
    ("PUT", "/me/email"): {"email": "new@example.org", "password": PASSWORD},
    ("POST", "/auth/email-verification"): {"token": "token"},
    ("PUT", "/me/password"): {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    ("POST", "/auth/password-reset"): {"email": "alice@example.org"},
    ("POST", "/auth/password-reset/confirm"): {
        "uid": "uid",
        "token": "reset_token",
        "new_password": NEW_PASSWORD,
    },
    ("POST", "/me/tokens"): {"name": "bot"},
    ("POST", "/posts"): {**POST_TEXT, "space": "answers"},
    ("PATCH", "/posts/{post_id}"): {"body": "wa or ga? (edited)"},
    ("POST", "/posts/{post_id}/comments"): {"body": "Try ga."},
    ("PATCH", "/comments/{comment_id}"): {"body": "Try ga."},
    ("POST", "/timeline"): {"text": "Hello"},
    ("POST", "/timeline/{share_id}/comments"): {"body": "Nice"},
    ("POST", "/chats"): {"username": "alice", "body": "Hi!"},
    ("POST", "/chats/{chat_id}/messages"): {"body": "Hi!"},
    ("POST", "/friend-requests"): {"username": "alice"},
    ("PUT", "/me/privacy"): {**PRIVACY, "searchable": False},
    ("POST", "/flags"): {"target_type": "post", "target_id": "post_id", "category": "spam"},
    ("POST", "/reports"): {"username": "alice", "category": "harassment", "details": "Rude."},
    ("POST", "/staff/cases/{case_id}/claim"): {"version": "case_version"},
    ("POST", "/staff/cases/{case_id}/release"): {"version": "case_version"},
    ("POST", "/staff/cases/{case_id}/actions"): {
        "action": "warn",
        "category": "harassment",
        "reason": "Insults.",
        "version": "case_version",
    },
    ("POST", "/staff/appeals/{appeal_id}/decision"): {
        "decision": "upheld",
        "reason": "It stands.",
    },
    ("POST", "/me/appeals"): {"enforcement_id": "enforcement_id", "text": "Not me."},
    ("PUT", "/staff/roles/{username}"): {"role": "support_agent"},
    ("POST", "/help/articles/{slug}/votes"): {"helpful": True},
    ("POST", "/support/tickets"): {"topic": "account", "description": "I can't sign in."},
    ("POST", "/support/tickets/{ticket_id}/replies"): {"body": "Any news?"},
    ("POST", "/staff/tickets/{ticket_id}/assign"): {"assignee": "me"},
    ("POST", "/staff/tickets/{ticket_id}/replies"): {"body": "Looking."},
    ("POST", "/me/export"): {"password": PASSWORD},
}


@dataclass(frozen=True)
class Row:
    method: str
    route: str
    expect: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.route)


def _table(text: str) -> dict[tuple[str, str], Row]:
    rows = {}
    for line in text.strip().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        method, route, *expect = line.split()
        assert len(expect) == len(PERSONAS), line
        rows[(method, route)] = Row(method, route, tuple(expect))
    return rows


WEB_ROWS = _table(WEB_TABLE)
API_ROWS = _table(API_TABLE)


# ------------------------------------------------------------------ the routes


@memoized
def web_routes() -> dict[str, list[str]]:
    """Every route that is not an API operation or Django's admin: its name (namespaced),
    or its pattern when it has none → the names of the arguments it takes."""
    api_pages = {"openapi-json", "openapi-view", "api-root"}  # the API's own documents

    def walk(patterns, namespace, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith("admin/"):
                    continue
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, ns, prefix + str(p.pattern))
            elif prefix.startswith("api/v1/") and p.name not in api_pages:
                continue  # an API operation: API_TABLE's
            else:
                name = f"{namespace}{p.name}" if p.name else prefix + str(p.pattern)
                yield name, list(p.pattern.regex.groupindex)

    return dict(walk(get_resolver().url_patterns, "", ""))


@memoized
def api_operations() -> set[tuple[str, str]]:
    paths = ninja_api.get_openapi_schema(path_prefix="")["paths"]
    return {(m.upper(), p) for p, ops in paths.items() for m in ops}


# ------------------------------------------------------------------ asking


def _fill(template: str, ids: dict, overrides: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(_value(m[1], ids, overrides)), template)


def _value(name: str, ids: dict, overrides: dict):
    value = overrides.get(name, name)
    return ids[value] if isinstance(value, str) and value in ids else value


def _data(spec: dict, ids: dict) -> dict:
    return {k: _value(v, ids, {}) if isinstance(v, str) else v for k, v in spec.items()}


def web_request(world, row: Row, persona: str):
    args = WEB_ARGS.get(row.key, {})
    if "/" in row.route:  # a route without a name
        url = "/" + row.route
    else:
        kwargs = {n: _value(n, world.ids, args) for n in web_routes()[row.route]}
        url = reverse(row.route, kwargs=kwargs)
    client = Client()  # afresh for each cell: a sign-in or sign-out must not carry over
    if persona in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
    if row.method == "GET":
        return client.get(url)
    return client.post(url, _data(WEB_DATA.get(row.key, {}), world.ids))


def api_request(world, row: Row, persona: str):
    path = _fill(row.route, world.ids, API_ARGS.get(row.key, {}))
    client = ApiClient()
    if persona in world.tokens:
        client.headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[persona]}"
    method = row.method.lower()
    data = _data(API_DATA.get(row.key, {}), world.ids)
    if row.key == ("POST", "/uploads"):  # a screenshot, as multipart form data
        upload = SimpleUploadedFile("shot.png", image_bytes("PNG"), content_type="image/png")
        return client.client.post("/api/v1/uploads", {"file": upload}, **client.headers)
    if method == "get":
        return client.get(path, data)
    if method == "delete":
        return client.delete(path)
    return getattr(client, method)(path, data)


def ask(world, row: Row, send) -> list[tuple[str, object]]:
    """Each persona's answer to the row's request, each in a rolled-back savepoint."""
    answers = []
    for persona in PERSONAS:
        with transaction.atomic():
            response = send(world, row, persona)
            transaction.set_rollback(True)
        cache.clear()  # rate-limit counters and the token cache start afresh too
        answers.append((persona, response))
    return answers


def status(response) -> str:
    """The status, and `!` on a redirect that carries an error message: a page that
    refuses an action by going back and saying why (so a 302 never hides a refusal)."""
    queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
    refused = response.status_code in (301, 302, 303) and any(
        m.level == messages.ERROR for m in queued
    )
    return f"{response.status_code}{'!' if refused else ''}"


def check(row: Row, answers, *, api: bool) -> None:
    got = tuple(status(r) for _, r in answers)
    for persona, response in answers:
        body = b"" if getattr(response, "streaming", False) else response.content
        assert response.status_code < 500, (persona, body[:500])
        if api and response.status_code >= 400:
            assert "error" in response.json(), (persona, body[:300])
        if persona not in STAFF and persona != "mem":
            leaked = [s for s in SECRETS if s.encode() in body]
            assert not leaked, f"{row.method} {row.route} shows {leaked} to {persona}"
    line = f"{row.method:6} {row.route:45} " + " ".join(f"{s:4}" for s in got)
    assert got == row.expect, f"\n  got:  {line}\n  want: {' '.join(row.expect)}"


# ------------------------------------------------------------------ the tests


@pytest.fixture(autouse=True)
def _private_media():
    """The world's upload lives in the module's media folder (the conftest's per-test
    folder would lose it after the first test)."""


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for the module, built in a transaction rolled back at its end; each
    test's own transaction, and each cell's savepoint, nest inside it."""
    private = {
        "MEDIA_ROOT": tmp_path_factory.mktemp("matrix-media"),
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    }
    with django_db_blocker.unblock(), override_settings(**private), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.mark.parametrize("key", list(WEB_ROWS), ids=lambda k: f"{k[0]} {k[1]}")
def test_web_route(world, key):
    check(WEB_ROWS[key], ask(world, WEB_ROWS[key], web_request), api=False)


@pytest.mark.parametrize("key", list(API_ROWS), ids=lambda k: f"{k[0]} {k[1]}")
def test_api_operation(world, key):
    check(API_ROWS[key], ask(world, API_ROWS[key], api_request), api=True)


def test_every_route_has_a_row():
    """A route added without a row fails here, named (and a row left for a route that
    is gone)."""
    web_rows = {route for _, route in WEB_ROWS}
    assert set(web_routes()) - web_rows == set(), "web routes without a row"
    assert web_rows - set(web_routes()) == set(), "rows for web routes that don't exist"
    assert api_operations() - set(API_ROWS) == set(), "API operations without a row"
    assert set(API_ROWS) - api_operations() == set(), "rows for API operations that don't exist"


def test_the_private_things_the_leak_check_looks_for_are_really_there(world):
    """The leak check in `check` is only as good as its strings: Alice and the staff do
    meet each of them, so their absence elsewhere means something."""
    seen = {
        ("mem", "GET", "/me/email"): "alice@example.org",
        ("mem", "GET", "/me/reports/{report_id}"): "SECRET-REPORT-7c1",
        ("mem", "GET", "/support/tickets/{ticket_id}"): "SECRET-TICKET-5d2",
        ("mem", "GET", "/chats/{chat_id}/messages"): "SECRET-CHAT-9e3",
        ("mod", "GET", "/staff/cases/{case_id}"): "SECRET-REPORT-7c1",
        ("sup", "GET", "/staff/tickets/{ticket_id}"): "SECRET-TICKET-5d2",
    }
    assert {secret for secret in seen.values()} == set(SECRETS)
    for (persona, method, route), secret in seen.items():
        response = api_request(world, API_ROWS[(method, route)], persona)
        assert secret in response.content.decode(), (persona, route)


def matrix_size() -> str:
    rows = len(WEB_ROWS) + len(API_ROWS)
    return (
        f"route × persona matrix: {len(web_routes()) + len(api_operations())} routes "
        f"({len(web_routes())} web, {len(api_operations())} API operations) in {rows} rows "
        f"(one per method) × {len(PERSONAS)} personas = {rows * len(PERSONAS):,} cells"
    )
