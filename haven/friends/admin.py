from django.contrib import admin

from haven.friends.models import FriendRequest, Friendship
from haven.members.staff_admin import AuditedChanges


@admin.register(FriendRequest)
class FriendRequestAdmin(AuditedChanges, admin.ModelAdmin):
    list_display = ("id", "from_member", "to_member", "status", "created_at", "responded_at")
    list_filter = ("status",)
    search_fields = ("from_member__username", "to_member__username")
    raw_id_fields = ("from_member", "to_member")
    readonly_fields = ("created_at", "responded_at")
    list_select_related = ("from_member", "to_member")


@admin.register(Friendship)
class FriendshipAdmin(AuditedChanges, admin.ModelAdmin):
    list_display = ("id", "member", "friend", "created_at")
    search_fields = ("member__username", "friend__username")
    raw_id_fields = ("member", "friend")
    readonly_fields = ("created_at",)
    list_select_related = ("member", "friend")
