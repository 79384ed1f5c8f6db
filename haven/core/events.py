"""What happened, said once it is committed: the seam between a surface and its listeners.

A surface (chats, friends, safety's limits) says what happened with `emit_on_commit`
and never imports who cares; automated protection and notifications connect
receivers to the surface's signals (in their AppConfig.ready) and enqueue their
tasks. A rolled-back action says nothing, and a receiver that fails is logged
without failing the member's request, whose work is already committed.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)


def emit_on_commit(signal: Signal, **payload) -> None:
    """Send `signal` with `payload` (ids and plain values) after the current commit."""

    def send() -> None:
        for receiver, result in signal.send_robust(sender=None, **payload):
            if isinstance(result, Exception):
                log.error("event receiver %r failed", receiver, exc_info=result)

    transaction.on_commit(send)
