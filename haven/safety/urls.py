from haven.safety.views import blocks, flags, privacy, reports, uploads

app_name = "safety"
urlpatterns = [
    *blocks.urlpatterns,
    *privacy.urlpatterns,
    *flags.urlpatterns,
    *reports.urlpatterns,
    *uploads.urlpatterns,
]
