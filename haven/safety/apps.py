from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SafetyConfig(AppConfig):
    name = "haven.safety"
    label = "safety"

    def ready(self) -> None:
        from haven.safety.categories import ensure_policy_categories

        post_migrate.connect(ensure_policy_categories, sender=self)
