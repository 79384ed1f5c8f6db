from haven.notifications.selectors import unread_count


def notifications(request) -> dict:
    """`unread_notifications` for the header: one indexed count, signed-in pages only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
