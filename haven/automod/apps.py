from django.apps import AppConfig


class AutomodConfig(AppConfig):
    """Automated protection: detectors that raise signals on cases (one table of its own:
    the attempts a block refused).
    It listens to the surfaces' events; no surface imports it."""

    name = "haven.automod"
    label = "automod"

    def ready(self) -> None:
        from haven.automod import listeners  # noqa: F401  (connects the receivers)
