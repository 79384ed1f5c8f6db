urlpatterns = []
app_name = "friends"
