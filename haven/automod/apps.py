from django.apps import AppConfig


class AutomodConfig(AppConfig):
    """Automated protection: detectors that raise signals on cases (no tables of its own)."""

    name = "haven.automod"
    label = "automod"
