"""`manage.py seed_demo`: a believable demo community on an empty or existing database."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from haven.demo.people import MEMBERS, PASSWORD, STAFF
from haven.demo.seed import demo_counts, seed_demo
from haven.members.roles import ROLE_LABELS

PERSONAS = ("alice", "bob", "carol")


class Command(BaseCommand):
    help = (
        "Create the demo community (members, staff, posts, chats, friendships, timeline). "
        "Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off. The demo accounts share a published password "
            "and include a superuser, so never use this on a public site.",
        )

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: refusing to create demo accounts with a published password "
                "(pass --allow-production to insist)."
            )
        started = time.monotonic()
        result = seed_demo()
        elapsed = time.monotonic() - started
        made = len(result.created_members)
        content = "created" if result.created_content else "already there, left as it was"
        self.stdout.write(
            f"Demo seed done in {elapsed:.1f}s: {made} new members, content {content}."
        )
        for name, count in demo_counts().items():
            self.stdout.write(f"  {name:<24} {count}")
        self._logins()

    def _logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for every account: {PASSWORD}):")
        people = {p.username: p for p in MEMBERS}
        for person, role in STAFF:
            self.stdout.write(f"  {person.username:<10} {ROLE_LABELS[role]}")
        for username in PERSONAS:
            person = people[username]
            self.stdout.write(f"  {username:<10} {person.kind}, {person.display_name}")
        others = [p.username for p in MEMBERS if p.username not in PERSONAS]
        self.stdout.write(f"  and {len(others)} more members: {', '.join(others)}")
