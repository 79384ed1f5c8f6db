"""The safety API: one sub-router per area, mounted by haven/api.py."""

from haven.safety.api import blocks, flags, privacy, reports, uploads

ROUTERS = [blocks.router, privacy.router, flags.router, reports.router, uploads.router]
