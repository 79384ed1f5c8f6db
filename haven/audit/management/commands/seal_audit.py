"""`manage.py seal_audit`: seal every committed audit entry still waiting (the sealer
task does this after each commit; this is for a worker that was down)."""

from django.core.management.base import BaseCommand

from haven.audit.sealer import seal_all


class Command(BaseCommand):
    help = "Seal the audit entries waiting for their place in the chain."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Sealed {seal_all()} audit entries.")
