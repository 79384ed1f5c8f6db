from django.apps import AppConfig


class ExportsConfig(AppConfig):
    """A member's own data, as one download (above the domain apps: it reads them all;
    no tables of its own)."""

    name = "haven.exports"
    label = "exports"
