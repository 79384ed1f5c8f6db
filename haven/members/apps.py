from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MembersConfig(AppConfig):
    name = "haven.members"
    label = "members"

    def ready(self) -> None:
        from haven.members import token_cache
        from haven.members.groups import ensure_staff_groups

        token_cache.connect()

        # No sender: the receiver waits for the last app's signal (see groups.py).
        post_migrate.connect(ensure_staff_groups, dispatch_uid="haven.members.staff_groups")
