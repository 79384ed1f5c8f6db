"""`manage.py export_member <username> --reason "..."`: one member's data for a privacy
request, the same document they download from Settings → Your data. Audited."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from haven.exports.export import export_for_request
from haven.members.models import Member


class Command(BaseCommand):
    help = "Write one member's own data (JSON) for a privacy request; audited."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="why, for the audit log")
        parser.add_argument("--output", help="a file to write (default: standard output)")

    def handle(self, *args, **opts) -> None:
        member = Member.objects.filter(username=opts["username"].strip().lower()).first()
        if member is None:
            raise CommandError(f"No member is called {opts['username']!r}.")
        data = export_for_request(member=member, reason=opts["reason"])
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if opts["output"]:
            with open(opts["output"], "w", encoding="utf-8") as out:
                out.write(text)
            self.stderr.write(f"Wrote {member.username}'s data to {opts['output']}.")
        else:
            sys.stdout.write(text + "\n")
