from django.apps import AppConfig


class FriendsConfig(AppConfig):
    name = "haven.friends"
    label = "friends"
