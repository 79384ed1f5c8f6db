"""Tickets in Django admin, read-only for support staff (agents, moderators, admins).

Tickets change only through Haven's support desk (haven.support.actions), which
keeps statuses, notifications and the audit log straight; admin is for looking.
"""

from __future__ import annotations

from django.contrib import admin

from haven.members.roles import SUPPORT_AGENT
from haven.members.staff_admin import ReadOnlyForStaff
from haven.support.models import Ticket, TicketMessage


class ReadOnly(ReadOnlyForStaff):
    min_role = SUPPORT_AGENT


class MessageInline(ReadOnly, admin.TabularInline):
    model = TicketMessage
    fields = ("created_at", "author", "by_staff", "internal", "body")
    readonly_fields = fields
    ordering = ("created_at", "id")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(Ticket)
class TicketAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("id", "topic", "status", "member", "subject", "assigned_to", "updated_at")
    list_filter = ("status", "topic", "updated_at")
    search_fields = ("member__username", "subject__username", "=id")
    ordering = ("-updated_at", "-id")
    list_select_related = ("member", "subject", "assigned_to")
    readonly_fields = (
        "member",
        "topic",
        "description",
        "subject",
        "status",
        "assigned_to",
        "signal",
        "created_at",
        "updated_at",
        "resolved_at",
    )
    inlines = (MessageInline,)

    def get_queryset(self, request):
        # As on the staff desk: not the tickets you wrote, nor those about you.
        tickets = super().get_queryset(request)
        return tickets.exclude(member=request.user).exclude(subject=request.user)
