urlpatterns = []
app_name = "community"
