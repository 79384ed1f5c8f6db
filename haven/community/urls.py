from django.urls import path, re_path

from haven.community import views
from haven.community.models import Space

app_name = "community"
SPACES = "|".join(Space.values)
urlpatterns = [
    path("", views.home, name="home"),
    path("posts/<int:post_id>", views.post_detail, name="post"),
    path("posts/<int:post_id>/edit", views.edit_post, name="edit_post"),
    path("posts/<int:post_id>/delete", views.delete_post, name="delete_post"),
    path("posts/<int:post_id>/comments", views.add_comment, name="add_comment"),
    path("comments/<int:comment_id>/edit", views.edit_comment, name="edit_comment"),
    path("comments/<int:comment_id>/delete", views.delete_comment, name="delete_comment"),
    path("timeline", views.create_share, name="create_share"),
    path("timeline/<int:share_id>", views.share_detail, name="share"),
    path("timeline/<int:share_id>/comments", views.add_share_comment, name="add_share_comment"),
    path("timeline/<int:share_id>/delete", views.delete_share, name="delete_share"),
    re_path(rf"^(?P<space>{SPACES})$", views.space, name="space"),
    re_path(rf"^(?P<space>{SPACES})/new$", views.new_post, name="new_post"),
]
