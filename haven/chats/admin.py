from django.contrib import admin

from haven.chats.models import Chat, ChatMembership, Message
from haven.members.staff_admin import AuditedChanges


@admin.register(Chat)
class ChatAdmin(AuditedChanges, admin.ModelAdmin):
    list_display = ("id", "member_low", "member_high", "created_at", "last_message_at")
    search_fields = ("member_low__username", "member_high__username")
    raw_id_fields = ("member_low", "member_high", "last_message")
    readonly_fields = ("created_at", "last_message_at")
    list_select_related = ("member_low", "member_high")


@admin.register(ChatMembership)
class ChatMembershipAdmin(AuditedChanges, admin.ModelAdmin):
    list_display = ("id", "chat", "member", "last_read_message_id")
    search_fields = ("member__username",)
    raw_id_fields = ("chat", "member")
    list_select_related = ("member",)


@admin.register(Message)
class MessageAdmin(AuditedChanges, admin.ModelAdmin):
    list_display = ("id", "chat", "sender", "short_body", "created_at")
    search_fields = ("body", "sender__username")
    raw_id_fields = ("chat", "sender")
    readonly_fields = ("created_at",)
    list_select_related = ("sender",)

    @admin.display(description="body")
    def short_body(self, obj: Message) -> str:
        return obj.body[:80]
