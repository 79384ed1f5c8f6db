from django.urls import path

from haven.moderation import views

app_name = "moderation"
urlpatterns = [
    path("staff/cases", views.case_list, name="cases"),
]
