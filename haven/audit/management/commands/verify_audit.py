"""`manage.py verify_audit`: check every entry's hash and the seals' chain; name the
first broken row; say how many entries wait for their seal."""

from django.core.management.base import BaseCommand, CommandError

from haven.audit.log import first_broken, unsealed
from haven.audit.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits non-zero at the first broken row."

    def handle(self, *args, **options) -> None:
        broken = first_broken()
        if broken is not None:
            where = f"row {broken.pk}" if broken.pk else "the chain's end"
            raise CommandError(f"Audit chain broken at {where}: {broken.event}")
        waiting = unsealed()
        self.stdout.write(
            f"Audit chain intact: {AuditEntry.objects.count()} entries, "
            f"{waiting} not sealed yet (each checked against its own hash)."
        )
