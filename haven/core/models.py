"""Models every app shares."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotentRequest(models.Model):
    """A write sent with an `Idempotency-Key` header, and the answer it got, so the
    same request sent again (a double tap, a retry after a lost connection) is
    answered from here instead of acting twice (haven.core.idempotency)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    route = models.CharField(max_length=100)  # "POST /api/v1/reports"
    request_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)  # null while the first is running
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "key"], name="one_request_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.route} {self.key}"
