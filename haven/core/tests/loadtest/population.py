"""The members `make test-load` drives, made through Haven's own actions against the
load test's database before the load starts (run as a script with its environment):

    python -m haven.core.tests.loadtest.population OUT.json DRIVEN BYSTANDERS

DRIVEN members each get an API token, a friend to chat with (an existing chat with a
few messages each way, whose partner's messages are a report's evidence), posts that
the others flag and shares for their feeds. BYSTANDERS are the members the driven ones
block and unblock, so a block never stops the chats being measured. Everything is
written to OUT.json for the load process and the checker."""

from __future__ import annotations

import json
import os
import sys


def build(driven: int, bystanders: int) -> dict:
    from django.conf import settings

    from haven.chats.actions import send_message, start_chat
    from haven.community.actions import create_post, share
    from haven.friends.actions import accept_friend_request, send_friend_request
    from haven.members.actions import create_token, sign_up
    from haven.safety.categories import active_categories

    # These accounts never sign in with a password: don't spend Argon2 on them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    def member(username: str):
        return sign_up(username=username, email=f"{username}@load.example",
                       password="load-test-passphrase-42", verified=True)  # fmt: skip

    people = [member(f"load{n:03d}") for n in range(driven)]
    others = [member(f"bystander{n:03d}") for n in range(bystanders)]
    out = {"members": [], "bystanders": [m.username for m in others], "categories": []}
    out["categories"] = [
        {"slug": c.slug, "details_required": c.details_required} for c in active_categories()
    ]
    chats: dict[int, tuple[int, list[int]]] = {}
    partner = {}
    for a, b in zip(people[0::2], people[1::2], strict=True):
        partner[a.pk], partner[b.pk] = b, a
        accept_friend_request(actor=b, request=send_friend_request(actor=a, target=b))
        chat, first = start_chat(actor=a, target=b, body=f"Hello {b.username}!")
        sent = {a.pk: [first.pk], b.pk: []}
        for n in range(3):
            for sender in (b, a):
                sent[sender.pk].append(
                    send_message(actor=sender, chat=chat, body=f"Practice {n} from {sender}").pk
                )
        chats[a.pk] = (chat.pk, sent[b.pk])  # a's evidence: b's messages, and back
        chats[b.pk] = (chat.pk, sent[a.pk])
    for index, person in enumerate(people):
        _, token = create_token(actor=person, name="load test")
        posts = [
            create_post(actor=person, space=space, title=f"Question {n} by {person.username}",
                        body="How do I say this more naturally?", language="en").pk
            for n, space in enumerate(("answers", "notebook", "discussions", "answers"))
        ]  # fmt: skip
        for n in range(2):
            share(actor=person, text=f"Day {n} of learning, {person.username}")
        chat_id, evidence = chats[person.pk]
        out["members"].append({"index": index, "id": person.pk, "username": person.username,
                               "token": token, "partner": partner[person.pk].username,
                               "chat": chat_id, "evidence": evidence, "posts": posts})  # fmt: skip
    return out


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    import django

    django.setup()
    path, driven, bystanders = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(path, "w") as out:
        json.dump(build(driven, bystanders), out)


if __name__ == "__main__":
    main()
