from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo community (`manage.py seed_demo`, `make run`): above every domain app,
    imported by none; it writes through Haven's own actions. No tables of its own."""

    name = "haven.demo"
    label = "demo"
