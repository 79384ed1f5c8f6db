"""The policy categories Haven ships with (PRODUCT.md's list), each with a severity.

They are created after every migrate (and every test-database flush) when
missing; existing rows are left alone, so an admin's edits stick. To retire a
category, untick "active" in the admin.
"""

from __future__ import annotations

# slug, name, severity (1 low .. 5 urgent), details required, description
CATEGORIES = [
    ("spam", "Commercial spam or advertising", 2, False,
     "Selling, advertising or promoting something nobody asked for."),
    ("sexual", "Sexual or inappropriate content", 4, False,
     "Sexual, explicit or otherwise inappropriate content."),
    ("hate", "Hate speech", 4, False,
     "Attacks on people for who they are: origin, religion, gender, sexuality, disability."),
    ("violence", "Threats of violence", 5, False,
     "Threatening to hurt someone, or encouraging others to."),
    ("self-harm", "Self-harm concern", 5, False,
     "Someone may be at risk of hurting themselves."),
    ("harassment", "Bullying or harassment", 4, False,
     "Insults, intimidation, or repeated unwanted friend requests or messages."),
    ("dating", "Romantic or dating solicitation", 3, False,
     "Using Haven to look for dates or romance."),
    ("scam", "Scam, phishing or fraud", 4, False,
     "Tricks to get money, passwords or personal data."),
    ("impersonation", "Impersonation", 3, False, "Pretending to be someone else."),
    ("personal-info", "Sharing someone's personal information", 4, False,
     "Posting someone's address, phone number, documents or other private details."),
    ("religious-political", "Overtly religious or political posts", 1, False,
     "Preaching or campaigning rather than learning languages."),
    ("other", "Other", 2, True, "Something else: tell us what happened."),
]  # fmt: skip


def active_categories():
    """The categories a member may choose, in the admins' order."""
    from haven.safety.models import PolicyCategory

    return PolicyCategory.objects.filter(active=True).order_by("position", "id")


def chosen_category(slug: str | None):
    """The active category named by `slug`, or a 400 on the category field."""
    from haven.core.errors import Invalid

    category = active_categories().filter(slug=(slug or "").strip()).first()
    if category is None:
        raise Invalid.field("category", "Choose one of the categories.")
    return category


def clean_details(details: str | None, category, *, max_length: int) -> str:
    """Details of a flag or report: optional unless the category requires them."""
    from haven.core.errors import Invalid

    text = (details or "").strip()
    if "\x00" in text:
        raise Invalid.field("details", "Details may not contain NUL characters.")
    if len(text) > max_length:
        raise Invalid.field("details", f"Details must be at most {max_length} characters.")
    if category.details_required and not text:
        raise Invalid.field(
            "details", f"Tell us what happened: details are needed for “{category.name}”."
        )
    return text


def ensure_policy_categories(**kwargs) -> None:
    from haven.safety.models import PolicyCategory

    using = kwargs.get("using", "default")
    existing = set(PolicyCategory.objects.using(using).values_list("slug", flat=True))
    PolicyCategory.objects.using(using).bulk_create(
        [
            PolicyCategory(
                slug=slug,
                name=name,
                severity=severity,
                details_required=details_required,
                description=description,
                position=position,
            )
            for position, (slug, name, severity, details_required, description) in enumerate(
                CATEGORIES
            )
            if slug not in existing
        ]
    )
