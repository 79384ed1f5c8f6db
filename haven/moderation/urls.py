from django.urls import path

from haven.moderation import staff_roles, views

app_name = "moderation"
urlpatterns = [
    path("staff", views.dashboard, name="dashboard"),
    path("staff/queue", views.queue, name="queue"),
    path("staff/cases", views.old_case_list, name="cases"),
    path("staff/cases/<int:case_id>", views.case_page, name="case"),
    path("staff/cases/<int:case_id>/claim", views.claim, name="claim"),
    path("staff/cases/<int:case_id>/release", views.release, name="release"),
    path("staff/cases/<int:case_id>/decide", views.decide, name="decide"),
    path("staff/appeals", views.appeal_list, name="appeals"),
    path("staff/appeals/<int:appeal_id>", views.appeal_page, name="appeal"),
    path("staff/roles", staff_roles.staff_roles, name="staff_roles"),
    path("settings/standing", views.my_standing, name="standing"),
    path("standing/<str:token>", views.standing_by_link, name="standing_link"),
]
