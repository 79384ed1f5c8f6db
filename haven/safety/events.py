"""What the safety layer refused, for whoever listens (haven.core.events)."""

from django.dispatch import Signal

# A new account was refused a contact past its daily limit (haven.safety.limits):
# member_id, what ("a new chat", "a friend request").
new_account_limit_reached = Signal()
