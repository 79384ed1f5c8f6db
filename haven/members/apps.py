from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "haven.members"
    label = "members"
