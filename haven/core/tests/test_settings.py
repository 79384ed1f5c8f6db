"""Settings come from the environment; the embedded default is SQLite in WAL mode."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _django(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    # Not the test run's own: its database, cache, and the browser tests' async switch.
    ours = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environ = {k: v for k, v in os.environ.items() if k not in ours}
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


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "haven.example",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.haven.example",
}


def test_production_settings_pass_the_deployment_checklist_without_a_warning(tmp_path):
    result = _django(
        "from django.core.management import call_command; call_command('check', deploy=True)",
        tmp_path,
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


def test_production_settings_turn_on_https_only(tmp_path):
    result = _django(
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER, s.MAILERS['default']['OPTIONS']['host'])",
        tmp_path,
        **PRODUCTION,
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True", "31536000", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')",
        "smtp.haven.example",
    ]  # fmt: skip


def test_every_environment_variable_haven_reads_is_in_the_deployment_guide():
    import re

    source = (ROOT / "haven" / "settings.py").read_text()
    read = set(
        re.findall(r'(?:environ\.get|environ\[|env_bool|env_list)\(?\s*"([A-Z0-9_]+)"', source)
    )
    table = [line for line in (ROOT / "docs" / "deploy.md").read_text().splitlines()
             if line.startswith("| `")]  # fmt: skip
    documented = set(re.findall(r"`([A-Z0-9_]+)`", "\n".join(line.split("|")[1] for line in table)))
    assert len(read) > 40
    assert read - documented == set()
