"""`manage.py verify_audit`: walk the hash chain; name the first broken row."""

from django.core.management.base import BaseCommand, CommandError

from haven.audit.log import first_broken
from haven.audit.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits non-zero at the first broken row."

    def handle(self, *args, **options) -> None:
        broken = first_broken()
        if broken is not None:
            where = f"row {broken.pk}" if broken.pk else "the chain's end"
            raise CommandError(f"Audit chain broken at {where}: {broken.event}")
        self.stdout.write(f"Audit chain intact: {AuditEntry.objects.count()} entries.")
