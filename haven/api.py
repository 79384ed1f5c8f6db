"""Haven's JSON API (v1): one NinjaAPI, every app's router mounted here."""

from haven.core.api import SIGNED_IN, HavenAPI, StrictJsonParser, install_error_handlers

api = HavenAPI(
    title="Haven API",
    version="1",
    description=(
        "Haven's JSON API. Authenticate with `Authorization: Bearer <token>` "
        "(create one with `POST /api/v1/auth/token` or on the API tokens page), or with "
        "the browser session cookie plus CSRF. Errors always look like "
        '`{"error": {"code": "...", "message": "...", "fields": {"name": ["..."]}}}`. '
        "Lists are paginated with an opaque `cursor`; follow `next` until it is null."
    ),
    auth=SIGNED_IN,
    urls_namespace="api",
    parser=StrictJsonParser(),
)
install_error_handlers(api)


def _mount() -> None:
    from haven.audit.api import router as audit
    from haven.chats.api import router as chats
    from haven.community.api import router as community
    from haven.exports.api import router as exports
    from haven.friends.api import router as friends
    from haven.helpcenter.api import router as helpcenter
    from haven.members.api import router as members
    from haven.moderation.api import router as moderation
    from haven.moderation.staff_roles import router as staff_roles
    from haven.notifications.api import router as notifications
    from haven.safety.api import ROUTERS as safety
    from haven.support.api import router as support

    api.add_router("/", members)
    api.add_router("/", community)
    api.add_router("/", chats)
    api.add_router("/", friends)
    for router in safety:
        api.add_router("/", router)
    api.add_router("/", moderation)
    api.add_router("/", staff_roles)
    api.add_router("/", helpcenter)
    api.add_router("/", audit)
    api.add_router("/", notifications)
    api.add_router("/", support)
    api.add_router("/", exports)


_mount()
