from django.urls import path

from haven.friends import views

app_name = "friends"
urlpatterns = [
    path("friends", views.friend_list, name="list"),
    path("friends/<str:username>/request", views.send, name="send"),
    path("friends/<str:username>/unfriend", views.unfriend, name="unfriend"),
    path("friend-requests/<int:request_id>/accept", views.accept, name="accept"),
    path("friend-requests/<int:request_id>/decline", views.decline, name="decline"),
    path("friend-requests/<int:request_id>/cancel", views.cancel, name="cancel"),
]
