"""Present for tooling only: Haven's request path is served over WSGI (see README)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
application = get_asgi_application()
