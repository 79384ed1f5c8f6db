"""Cases and signals: one case per target, many signals on it."""

from django.conf import settings
from django.db import models

from haven.safety.models import Flag, PolicyCategory, Report, TargetType

Member = settings.AUTH_USER_MODEL


class Case(models.Model):
    """Everything staff know about one target (a member or a content item).

    Unique per target; a new signal re-opens a closed case. `version` goes up
    with every change so a stale staff action can be refused (409).
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    target_type = models.CharField(max_length=10, choices=TargetType.choices)
    target_id = models.BigIntegerField()
    subject = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    signal_count = models.PositiveIntegerField(default=0)
    flag_weight = models.FloatField(default=0.0)
    version = models.PositiveIntegerField(default=1)
    opened_at = models.DateTimeField(auto_now_add=True)
    last_signal_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target_type", "target_id"], name="one_case_per_target")
        ]
        indexes = [
            models.Index(fields=["status", "-last_signal_at"], name="case_queue"),
            models.Index(fields=["subject", "-opened_at"], name="case_by_subject"),
        ]

    def __str__(self) -> str:
        return f"case {self.pk}: {self.target_type} {self.target_id}"


class Signal(models.Model):
    """One reason a case exists: a flag, a report (later: a ticket, an automated hit)."""

    class Kind(models.TextChoices):
        FLAG = "flag", "Flag"
        REPORT = "report", "Report"
        TICKET = "ticket", "Support ticket"
        AUTOMATED = "automated", "Automated"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="signals")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reporter = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(PolicyCategory, on_delete=models.PROTECT, related_name="+")
    weight = models.FloatField(default=1.0)
    flag = models.OneToOneField(
        Flag, null=True, blank=True, on_delete=models.CASCADE, related_name="signal"
    )
    report = models.OneToOneField(
        Report, null=True, blank=True, on_delete=models.CASCADE, related_name="signal"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["case", "-created_at"], name="signal_by_case")]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id}"
