from django.contrib import admin

from haven.community.models import Comment, Post, Share
from haven.members.staff_admin import AuditedChanges


@admin.register(Post)
class PostAdmin(AuditedChanges, admin.ModelAdmin):
    list_display = ("id", "space", "title", "author", "language", "comment_count", "created_at")
    list_filter = ("space", "language")
    search_fields = ("title", "body", "author__username")
    raw_id_fields = ("author",)
    readonly_fields = ("comment_count", "created_at", "edited_at")
    list_select_related = ("author",)
    date_hierarchy = "created_at"


@admin.register(Comment)
class CommentAdmin(AuditedChanges, admin.ModelAdmin):
    list_display = ("id", "post", "author", "parent", "short_body", "created_at")
    search_fields = ("body", "author__username")
    raw_id_fields = ("post", "author", "parent")
    readonly_fields = ("created_at", "edited_at")
    list_select_related = ("post", "author")

    @admin.display(description="body")
    def short_body(self, obj: Comment) -> str:
        return obj.body[:80]


@admin.register(Share)
class ShareAdmin(AuditedChanges, admin.ModelAdmin):
    list_display = ("id", "author", "short_text", "post", "created_at")
    search_fields = ("text", "author__username")
    raw_id_fields = ("author", "post")
    readonly_fields = ("created_at",)
    list_select_related = ("author", "post")

    @admin.display(description="text")
    def short_text(self, obj: Share) -> str:
        return obj.text[:80]
