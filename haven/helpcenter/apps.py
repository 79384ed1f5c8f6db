from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HelpcenterConfig(AppConfig):
    name = "haven.helpcenter"
    label = "helpcenter"

    def ready(self) -> None:
        from haven.helpcenter.content_loader import ensure_articles

        post_migrate.connect(ensure_articles, sender=self)
