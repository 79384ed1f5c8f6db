from django.contrib.auth.views import LogoutView
from django.urls import path

from haven.members import views

app_name = "members"
urlpatterns = [
    path("signup", views.signup, name="signup"),
    path("signin", views.SigninView.as_view(), name="signin"),
    path("signout", LogoutView.as_view(), name="signout"),
    path("members", views.search, name="search"),
    path("u/<str:username>", views.profile, name="profile"),
    path("settings", views.settings_home, name="settings"),
    path("settings/profile", views.edit_profile, name="edit_profile"),
    path("settings/email", views.email_settings, name="email"),
    path("settings/email/verify", views.resend_verification, name="resend_verification"),
    path("verify-email/<str:token>", views.verify_email, name="verify_email"),
    path("settings/password", views.password_change, name="password"),
    path("password-reset", views.password_reset, name="password_reset"),
    path(
        "password-reset/<str:uid>/<str:token>",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("settings/tokens", views.tokens, name="tokens"),
    path("settings/tokens/<int:token_id>/revoke", views.revoke_token, name="revoke_token"),
]
