"""What happens between would-be friends, for whoever listens (haven.core.events)."""

from django.dispatch import Signal

# A friend request was stored: request_id, from_member_id, to_member_id.
friend_request_sent = Signal()
