"""The floor views' URLs; haven/urls.py includes them only when HAVEN_BENCH=1."""

from django.urls import path

from haven.bench import floor

urlpatterns = [
    path("none", floor.nothing),
    path("select", floor.select),
    path("insert", floor.insert),
]
