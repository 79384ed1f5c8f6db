import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
application = get_wsgi_application()

if settings.TASKS_BACKEND == "immediate":
    # The checks on each message run in this process after commit: load the text
    # classifier (~3 s) before the first request, not during a member's message.
    from haven.automod.classifier import warm_up

    warm_up()
