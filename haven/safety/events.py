"""What the safety layer refused, for whoever listens (haven.core.events)."""

from django.dispatch import Signal

# A new account was refused a contact past its daily limit (haven.safety.limits):
# member_id, what ("a new chat", "a friend request").
new_account_limit_reached = Signal()

# An attempt to contact a member who blocks the actor was refused (haven.safety.
# policies): member_id (who tried), blocker_id, what ("chat", "message",
# "friend_request", "comment"). Only staff ever learn of it, from a signal.
contact_refused_by_block = Signal()
