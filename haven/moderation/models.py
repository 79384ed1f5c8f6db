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
    assigned_to = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    first_action_at = models.DateTimeField(null=True, blank=True)
    # Priority without its age term, and the sort key with age folded in (see
    # haven.moderation.priority): the queue is an index scan on (status, rank).
    priority_base = models.FloatField(default=0.0)
    rank = models.FloatField(default=0.0)
    top_category = models.ForeignKey(
        PolicyCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The queue's preview of this round (since the case (re)opened), kept with each
    # signal so no page reads a case's signals: the distinct reporters, and the slugs
    # of the categories named (a handful at most: there are few policy categories).
    reporter_count = models.PositiveIntegerField(default=0)
    categories = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target_type", "target_id"], name="one_case_per_target")
        ]
        indexes = [
            models.Index(fields=["status", "-last_signal_at"], name="case_queue"),
            models.Index(fields=["status", "-rank", "-id"], name="case_priority"),
            models.Index(fields=["assigned_to", "status"], name="case_by_assignee"),
            models.Index(fields=["subject", "-opened_at"], name="case_by_subject"),
        ]

    def __str__(self) -> str:
        return f"case {self.pk}: {self.target_type} {self.target_id}"


class Signal(models.Model):
    """One reason a case exists: a flag, a report, a support ticket or an automated hit
    (haven.automod.detectors, which has no reporter)."""

    class Kind(models.TextChoices):
        FLAG = "flag", "Flag"
        REPORT = "report", "Report"
        TICKET = "ticket", "Support ticket"
        AUTOMATED = "automated", "Automated"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending"
        AGREED = "agreed", "Agreed"
        DISMISSED = "dismissed", "Dismissed"

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
    # Set when the case is closed: did staff agree with this signal? (reporter accuracy)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)

    class Meta:
        indexes = [
            models.Index(fields=["case", "-created_at"], name="signal_by_case"),
            models.Index(fields=["reporter", "outcome"], name="signal_by_reporter"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id}"


class Enforcement(models.Model):
    """One staff decision on a case: its kind, the policy it cites, the reason, and
    for timed sanctions until when. Never edited, except to mark it reversed."""

    class Kind(models.TextChoices):
        DISMISS = "dismiss", "Dismiss (no violation)"
        REMOVE_CONTENT = "remove_content", "Remove content"
        WARN = "warn", "Warn (a strike)"
        RESTRICT = "restrict", "Restrict"
        SUSPEND = "suspend", "Suspend"
        REMOVE_MEMBER = "remove_member", "Remove from Haven"
        LIFT = "lift", "Lift restriction or suspension"
        REINSTATE = "reinstate", "Reinstate"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="enforcements")
    subject = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="enforcements")
    moderator = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    category = models.ForeignKey(PolicyCategory, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(max_length=2000)
    days = models.PositiveSmallIntegerField(null=True, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    strike = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    reversed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["subject", "-created_at"], name="enforcement_by_subject"),
            models.Index(fields=["case", "-created_at"], name="enforcement_by_case"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.subject_id}"


class Appeal(models.Model):
    """The member's one appeal of one enforcement, decided by another moderator."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a moderator"
        UPHELD = "upheld", "Upheld"
        OVERTURNED = "overturned", "Overturned"

    enforcement = models.OneToOneField(Enforcement, on_delete=models.CASCADE, related_name="appeal")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="appeals")
    text = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at", "id"], name="appeal_queue")]

    def __str__(self) -> str:
        return f"appeal of {self.enforcement_id}: {self.status}"


class Thresholds(models.Model):
    """Site-wide safety thresholds admins may change in the Django admin (one row).
    Until an admin saves it, the defaults come from settings (environment)."""

    flag_hide_threshold = models.FloatField(
        help_text="Total flag weight at which an item is hidden pending review. A member's "
        "flag weighs 0.25 to 2 by their reporter accuracy (1 for a new member)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "thresholds"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(flag_hide_threshold__gte=1, flag_hide_threshold__lte=100),
                name="flag_hide_threshold_1_to_100",
            )
        ]

    def __str__(self) -> str:
        return "Safety thresholds"


def flag_hide_threshold() -> float:
    """The threshold in force: the admins' row, else HAVEN_FLAG_HIDE_THRESHOLD."""
    saved = Thresholds.objects.filter(pk=1).values_list("flag_hide_threshold", flat=True).first()
    return float(saved if saved is not None else settings.HAVEN_FLAG_HIDE_THRESHOLD)
