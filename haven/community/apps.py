from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "haven.community"
    label = "community"
