"""Haven settings, read from the environment (see README "Configuration")."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HAVEN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "haven-insecure-development-key-change-me-for-anything-public"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "ninja",
    "django_tasks_db",
    "haven.core",
    "haven.members",
    "haven.safety",
    "haven.community",
    "haven.chats",
    "haven.friends",
    "haven.moderation",
    "haven.helpcenter",
    "haven.audit",
    "haven.notifications",
    "haven.support",
    "haven.automod",
    "haven.exports",
    "haven.demo",
    "haven.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "haven.core.web.RejectNulMiddleware",
    "haven.core.web.BodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "haven.core.web.HavenErrorMiddleware",
]

ROOT_URLCONF = "haven.urls"
WSGI_APPLICATION = "haven.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "haven" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "haven.notifications.context.notifications",
            ],
            # Every template's {% url %}, reversed from a cached template (5 µs, not 50).
            "builtins": ["haven.core.templatetags.fast_url"],
        },
    },
]

# SQLite in WAL mode by default; PostgreSQL (psycopg 3) when DATABASE_URL says so.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'haven.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Options in the URL (?sslmode=require, ?connect_timeout=10) are kept. JIT compiling
    # added ~30 ms to single short queries in the benchmark; Haven's queries are all
    # small and indexed, so it only costs. A server that doesn't answer a connection
    # costs a request at most connect_timeout seconds, then a 503 (haven.core.errors).
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = f"-c jit=off {_pg_options.get('options', '')}".strip()
    _pg_options.setdefault("connect_timeout", 3)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        # Redis, falling back to this process's memory while it is unreachable.
        "default": {"BACKEND": "haven.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (haven.core.tasks): "immediate" runs each task in the process right
# after the transaction that enqueued it commits (the laptop default: one process);
# "database" stores tasks in the database for `make worker` (django-tasks-db's db_worker).
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise RuntimeError(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}
# Runs of a failing task before it is left failed (in Django admin, Task Results).
HAVEN_TASK_ATTEMPTS = int(os.environ.get("HAVEN_TASK_ATTEMPTS", "5"))

AUTH_USER_MODEL = "members.Member"
# How the API's bearer-token auth (haven.core.api) finds a token's member.
HAVEN_TOKEN_LOOKUP = "haven.members.selectors.member_for_token"
# Seconds an API token's member is cached (haven.members.token_cache; 0 turns it off).
# Changes forget the entry at once; without Redis the cache is per process, so other
# app processes see a revoke or suspension when their entry expires: keep it short.
HAVEN_TOKEN_CACHE_SECONDS = int(
    os.environ.get("HAVEN_TOKEN_CACHE_SECONDS", "60" if REDIS_URL else "5")
)
# The signed link the sign-in page shows a suspended or removed member (members knows
# nothing of the desk; the desk provides it).
HAVEN_STANDING_LINK = "haven.moderation.links.standing_url"
# Suspended and removed accounts are refused at sign-in and on every session request.
AUTHENTICATION_BACKENDS = ["haven.members.standing.StandingBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "members:signin"
LOGIN_REDIRECT_URL = "community:home"
LOGOUT_REDIRECT_URL = "community:home"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on a missing root
# Uploaded files (screenshots): MEDIA_ROOT on this disk by default; an S3-compatible
# bucket when AWS_STORAGE_BUCKET_NAME is set, so app servers keep no files. The bucket
# stays private (no ACL, no public URL): Haven checks the viewer and streams the file.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    _files = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }
else:
    _files = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _files,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Request bodies: forms and JSON at most 2.5 MB (Django's default), a multipart form
# at most 12 MB (a 10 MB image, haven.safety.uploads.MAX_BYTES, and its fields); past
# that, 413 before anything reads it (haven.core.web.BodyLimitMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
HAVEN_MAX_MULTIPART_BYTES = 12 * 1024 * 1024
# A password reset link works for 2 hours, and only until the password changes.
PASSWORD_RESET_TIMEOUT = 2 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS in production: plain HTTP is redirected (not the health checks, which load
# balancers probe on the inside), and browsers are told to use HTTPS only (HSTS).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Behind a proxy that terminates TLS, the request Haven sees is plain HTTP: name the
# header the proxy sets to the original scheme (nginx: proxy_set_header
# X-Forwarded-Proto $scheme), and only when the proxy always sets or overwrites it.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    _header = os.environ["SECURE_PROXY_SSL_HEADER"].strip().upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{_header}", "https")

# Django 6.1's MAILERS (EMAIL_BACKEND is deprecated); the console in the demo, SMTP
# (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST...) in
# production.
_mail_backend = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_mail_options = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "587")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": 10,
    }
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Haven <safety@haven.example>")
# The address links in emails point at (no request exists when they are sent).
HAVEN_SITE_URL = os.environ.get("HAVEN_SITE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Django logs every task's start and finish at INFO: two lines per request on an
    # app server running tasks in-process. Failures still log (ERROR, with traceback).
    "loggers": {"django.tasks": {"level": os.environ.get("LOG_LEVEL", "WARNING")}},
}

# Haven's own limits (characters).
HAVEN_PAGE_SIZE = 20
HAVEN_MAX_PAGE_SIZE = 100
# Flags: summed weights at or past this hide the item pending review (staff flags hide at once).
HAVEN_FLAG_HIDE_THRESHOLD = float(os.environ.get("HAVEN_FLAG_HIDE_THRESHOLD", "3"))
HAVEN_FLAGS_PER_HOUR = int(os.environ.get("HAVEN_FLAGS_PER_HOUR", "30"))
# A flag weighs its reporter's accuracy only from an established account (this old,
# email verified, something posted or sent); others weigh HAVEN_FLAG_NEWCOMER_WEIGHT.
HAVEN_FLAG_ESTABLISHED_DAYS = int(os.environ.get("HAVEN_FLAG_ESTABLISHED_DAYS", "7"))
HAVEN_FLAG_NEWCOMER_WEIGHT = float(os.environ.get("HAVEN_FLAG_NEWCOMER_WEIGHT", "0.1"))
HAVEN_REPORTS_PER_HOUR = int(os.environ.get("HAVEN_REPORTS_PER_HOUR", "10"))
HAVEN_UPLOADS_PER_HOUR = int(os.environ.get("HAVEN_UPLOADS_PER_HOUR", "30"))
HAVEN_UPLOAD_MAX_PIXELS = int(os.environ.get("HAVEN_UPLOAD_MAX_PIXELS", "16000000"))
# How many reverse proxies sit in front of Haven ("1"), or their networks
# ("10.0.0.0/8,fd00::/8"): only then is X-Forwarded-For read for the client address
# every rate limit keys on. Empty: REMOTE_ADDR, which behind a proxy is the proxy.
TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "").strip()
if TRUSTED_PROXIES and not TRUSTED_PROXIES.isdigit():
    try:  # a typo must stop the server now, not fail the first request that reads it
        for part in filter(None, map(str.strip, TRUSTED_PROXIES.split(","))):
            ipaddress.ip_network(part)
    except ValueError as exc:
        raise RuntimeError(
            f"TRUSTED_PROXIES must be a number of proxies or their networks: {exc}"
        ) from exc
# Sign-in attempts for one username from all addresses together per 15 minutes,
# before attempts from browsers that never signed in as that member are slowed.
HAVEN_SIGN_IN_PER_USERNAME = int(os.environ.get("HAVEN_SIGN_IN_PER_USERNAME", "50"))
# Days the email-verification link stays valid.
HAVEN_EMAIL_LINK_DAYS = int(os.environ.get("HAVEN_EMAIL_LINK_DAYS", "7"))
HAVEN_TICKETS_PER_HOUR = int(os.environ.get("HAVEN_TICKETS_PER_HOUR", "10"))
# Contact limits for every member (haven.safety.limits); friends more loosely.
HAVEN_MESSAGES_PER_MINUTE = int(os.environ.get("HAVEN_MESSAGES_PER_MINUTE", "20"))
HAVEN_FRIEND_MESSAGES_PER_MINUTE = int(os.environ.get("HAVEN_FRIEND_MESSAGES_PER_MINUTE", "60"))
HAVEN_NEW_CHATS_PER_HOUR = int(os.environ.get("HAVEN_NEW_CHATS_PER_HOUR", "10"))
HAVEN_FRIEND_NEW_CHATS_PER_HOUR = int(os.environ.get("HAVEN_FRIEND_NEW_CHATS_PER_HOUR", "30"))
HAVEN_FRIEND_REQUESTS_PER_HOUR = int(os.environ.get("HAVEN_FRIEND_REQUESTS_PER_HOUR", "20"))
# Automated protection (haven.automod.detectors): patterns that raise a case for staff.
HAVEN_SPAM_RECIPIENTS = int(os.environ.get("HAVEN_SPAM_RECIPIENTS", "10"))
HAVEN_SPAM_WINDOW_HOURS = int(os.environ.get("HAVEN_SPAM_WINDOW_HOURS", "24"))
HAVEN_SPAM_MIN_CHARS = int(os.environ.get("HAVEN_SPAM_MIN_CHARS", "20"))
HAVEN_DECLINES_BEFORE_SIGNAL = int(os.environ.get("HAVEN_DECLINES_BEFORE_SIGNAL", "2"))
HAVEN_NEW_ACCOUNT_DAYS = int(os.environ.get("HAVEN_NEW_ACCOUNT_DAYS", "3"))
HAVEN_NEW_ACCOUNT_CONTACTS = int(os.environ.get("HAVEN_NEW_ACCOUNT_CONTACTS", "20"))
HAVEN_UNANSWERED_MESSAGES = int(os.environ.get("HAVEN_UNANSWERED_MESSAGES", "5"))
HAVEN_UNANSWERED_DAYS = int(os.environ.get("HAVEN_UNANSWERED_DAYS", "2"))
HAVEN_BLOCKED_ATTEMPTS = int(os.environ.get("HAVEN_BLOCKED_ATTEMPTS", "3"))
HAVEN_BLOCKED_ATTEMPTS_DAYS = int(os.environ.get("HAVEN_BLOCKED_ATTEMPTS_DAYS", "7"))
HAVEN_EVASION_ACCOUNT_DAYS = int(os.environ.get("HAVEN_EVASION_ACCOUNT_DAYS", "30"))
# The text classifier (haven.automod.classifier): which one, and the score (0-1) at
# which what it finds raises an automated signal on the writer's case.
HAVEN_CLASSIFIER = os.environ.get(
    "HAVEN_CLASSIFIER", "haven.automod.classifier.rules.RulesClassifier"
)
HAVEN_AUTOMOD_SIGNAL_SCORE = float(os.environ.get("HAVEN_AUTOMOD_SIGNAL_SCORE", "0.6"))
# Per space, the score at which a post or a comment on it is also held for review
# (hidden until a moderator looks, its author told why). Chat messages are never held.
HAVEN_AUTOMOD_HOLD_SCORES = {
    space: float(score)
    for space, score in (
        item.split("=")
        for item in env_list(
            "HAVEN_AUTOMOD_HOLD_SCORES", "answers=0.93,notebook=0.97,discussions=0.9"
        )
    )
}
