from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmarks (`make bench`, `make bench-safety`): above every domain app, imported
    by none. No tables of its own (the floor table is made by the benchmark)."""

    name = "haven.bench"
    label = "bench"
