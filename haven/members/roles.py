"""Staff roles are Django groups; these names are the only place they are spelled."""

SUPPORT_AGENT = "Support agents"
MODERATOR = "Moderators"
ADMIN = "Admins"

# Higher rank may act on lower; nobody acts on an equal or higher rank.
RANKS = {SUPPORT_AGENT: 1, MODERATOR: 2, ADMIN: 3}
ROLE_LABELS = {SUPPORT_AGENT: "Support agent", MODERATOR: "Moderator", ADMIN: "Admin"}


def role_of(member) -> str | None:
    """The member's highest staff role name, or None for ordinary members."""
    if not getattr(member, "is_authenticated", False):
        return None
    cached = getattr(member, "_haven_role", "unset")
    if cached != "unset":
        return cached
    names = set(member.groups.values_list("name", flat=True))
    if member.is_superuser:
        names.add(ADMIN)
    ranked = sorted((n for n in names if n in RANKS), key=RANKS.__getitem__, reverse=True)
    member._haven_role = ranked[0] if ranked else None
    return member._haven_role


def rank_of(member) -> int:
    role = role_of(member)
    return RANKS[role] if role else 0


def fresh_rank(member) -> int:
    """The member's rank as the database says now (no cached role): for permission
    checks inside a write's transaction, where a role removed a moment ago counts."""
    from django.contrib.auth.models import Group

    from haven.members.models import Member

    names = set(Group.objects.filter(user=member).values_list("name", flat=True))
    if Member.objects.filter(pk=member.pk, is_superuser=True, is_active=True).exists():
        names.add(ADMIN)
    return max((RANKS[n] for n in names if n in RANKS), default=0)
