from django.urls import path

from haven.audit import views

app_name = "audit"
urlpatterns = [path("staff/audit", views.audit_log, name="log")]
