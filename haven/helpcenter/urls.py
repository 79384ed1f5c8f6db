from django.urls import path

from haven.helpcenter import views

app_name = "helpcenter"
urlpatterns = [
    path("help", views.home, name="home"),
    path("help/<slug:slug>", views.article, name="article"),
    path("help/<slug:slug>/vote", views.vote, name="vote"),
    path("staff/help", views.staff_list, name="staff_list"),
    path("staff/help/new", views.staff_edit, name="staff_new"),
    path("staff/help/<int:pk>", views.staff_edit, name="staff_edit"),
    path("staff/help/<int:pk>/publish", views.staff_publish, name="staff_publish"),
]
