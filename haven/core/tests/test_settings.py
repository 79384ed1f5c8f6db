"""Settings come from the environment; the embedded default is SQLite in WAL mode."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _django(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environ.update({"HAVEN_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "haven.settings"})
    environ.update(env)
    script = f"import django; django.setup(); {code}"
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, text=True
    )


def test_default_database_is_a_sqlite_file_in_wal_mode(tmp_path):
    result = _django(
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); "
        "print(c.fetchone()[0], connection.settings_dict['NAME'])",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    mode, name = result.stdout.split()
    assert mode == "wal"
    assert name == str(tmp_path / "haven.sqlite3")


def test_database_and_cache_urls_are_read_from_the_environment(tmp_path):
    result = _django(
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CACHES['default']['BACKEND'])",
        tmp_path,
        DATABASE_URL="postgres://haven@db.example:5432/havendb",
        REDIS_URL="redis://cache.example:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "havendb",
        "haven.core.cache.ResilientRedisCache",
    ]


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path):
    result = _django("pass", tmp_path, DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_malformed_trusted_proxies_setting_stops_the_server_at_start(tmp_path):
    result = _django("pass", tmp_path, TRUSTED_PROXIES="10.0.0.0/8, 10.0.0.300/32")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES must be a number of proxies or their networks" in result.stderr
    good = _django("pass", tmp_path, TRUSTED_PROXIES="10.0.0.0/8, fd00::/8")
    assert good.returncode == 0, good.stderr
