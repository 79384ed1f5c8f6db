urlpatterns = []
app_name = "chats"
