from haven.support.views import member, staff

app_name = "support"
urlpatterns = [*member.urlpatterns, *staff.urlpatterns]
