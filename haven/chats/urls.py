from django.urls import path

from haven.chats import views

app_name = "chats"
urlpatterns = [
    path("chats", views.chat_list, name="list"),
    path("chats/new/<str:username>", views.start, name="start"),
    path("chats/<int:chat_id>", views.chat_detail, name="chat"),
    path("chats/<int:chat_id>/messages", views.send, name="send"),
    path(
        "chats/<int:chat_id>/messages/<int:message_id>/delete",
        views.delete_message,
        name="delete_message",
    ),
]
