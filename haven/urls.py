import os

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from haven.api import api
from haven.core import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("api/openapi.json", RedirectView.as_view(url="/api/v1/openapi.json", permanent=False)),
    path("", include("haven.members.urls")),
    path("", include("haven.community.urls")),
    path("", include("haven.chats.urls")),
    path("", include("haven.friends.urls")),
    path("", include("haven.safety.urls")),
    path("", include("haven.moderation.urls")),
    path("", include("haven.helpcenter.urls")),
    path("", include("haven.audit.urls")),
    path("", include("haven.notifications.views")),
    path("", include("haven.support.urls")),
    path("", include("haven.exports.views")),
]

if os.environ.get("HAVEN_BENCH") == "1":
    # The benchmark's bare floor views (haven/bench/floor.py): never in normal serving.
    urlpatterns.insert(0, path("bench/floor/", include("haven.bench.urls")))

handler400 = "haven.core.web.bad_request"
handler404 = "haven.core.web.not_found"
handler500 = "haven.core.web.server_error"
