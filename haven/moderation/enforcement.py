"""Staff decisions on cases: claim, release, and the enforcement ladder.

Every decision is one transaction that
1. locks the case row and re-reads the acting moderator's role from the database
   (a role taken away a second ago counts);
2. refuses a stale form: the case `version` the moderator saw must still be current (409);
3. asks `allowed_actions` (the same function the case page and the API show)
   whether this moderator may do this now, which includes the rank rule:
   nobody acts on a member of equal or higher staff role;
4. applies the effect, stores an `Enforcement`, closes the case where the decision
   settles it (marking each signal agreed or dismissed: reporter accuracy), and
   writes the audit row;
5. stores the notifications; their emails leave after commit (notifications.notify).

Effects are idempotent: they set states ("suspended until T", "hidden since T"),
never toggle them, so a retried request cannot double anything.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from haven.audit.log import record
from haven.chats.actions import refresh_last_message
from haven.chats.models import Message
from haven.community.models import Comment, Post, Share
from haven.core.errors import Conflict, Invalid, NotFound, NotSignedIn, Refused
from haven.friends.models import Friendship
from haven.members import token_cache
from haven.members.models import ApiToken, Member
from haven.members.roles import ADMIN, MODERATOR, RANKS, fresh_rank, rank_of
from haven.members.standing import when
from haven.moderation import priority
from haven.moderation.links import APPEAL_DAYS, standing_url
from haven.moderation.models import Appeal, Case, Enforcement, Signal
from haven.notifications.actions import notify
from haven.safety.categories import chosen_category
from haven.safety.models import Report, TargetType

Kind = Enforcement.Kind
CLAIM, RELEASE = "claim", "release"
# Sanctions on the subject: each may be appealed once; all but content removal are strikes.
SANCTIONS = (Kind.REMOVE_CONTENT, Kind.WARN, Kind.RESTRICT, Kind.SUSPEND, Kind.REMOVE_MEMBER)
STRIKES = (Kind.WARN, Kind.RESTRICT, Kind.SUSPEND, Kind.REMOVE_MEMBER)
TIMED = (Kind.RESTRICT, Kind.SUSPEND)
MAX_DAYS = 365
REASON_MAX = 2000
APPEAL_MAX = 2000
CONTENT = {
    TargetType.POST: Post,
    TargetType.COMMENT: Comment,
    TargetType.SHARE: Share,
    TargetType.MESSAGE: Message,
}
TOOK_ACTION = "We took action"
NO_VIOLATION = "We found no violation"


# ---------------------------------------------------------------- who may do what


def content_of(case: Case):
    """The post, comment, share or message a content case is about (None if deleted)."""
    model = CONTENT.get(case.target_type)
    return model.objects.filter(pk=case.target_id).first() if model else None


_UNLOADED = object()


def allowed_actions(actor, case: Case, *, rank: int | None = None, content=_UNLOADED) -> list[str]:
    """What `actor` may do to `case` in its current state, in the order the case page
    shows them. The one answer shared by the page, the API and every action.
    `content`: the case's item when the caller already loaded it (`content_of`)."""
    if actor is None or not actor.is_authenticated:
        return []
    rank = rank_of(actor) if rank is None else rank
    if rank < RANKS[MODERATOR] or actor.pk == case.subject_id:
        return []
    if rank_of(case.subject) >= rank:  # the rank rule
        return []
    claimed_by_other = case.assigned_to_id not in (None, actor.pk)
    if claimed_by_other and rank < RANKS[ADMIN]:
        return []  # claimed by another moderator; admins may still step in
    allowed: list[str] = []
    if case.status == Case.Status.OPEN and case.assigned_to_id != actor.pk:
        allowed.append(CLAIM)
    if case.assigned_to_id is not None:
        allowed.append(RELEASE)
    if case.status == Case.Status.OPEN:
        allowed.append(Kind.DISMISS)
    subject = case.subject
    if content is _UNLOADED:
        content = content_of(case)
    if content is not None and not _removed_by(case):
        allowed.append(Kind.REMOVE_CONTENT)
    if subject.removed_at is None:
        allowed += [Kind.WARN, Kind.RESTRICT, Kind.SUSPEND, Kind.REMOVE_MEMBER]
        if subject.is_restricted() or subject.is_suspended():
            allowed.append(Kind.LIFT)
    else:
        allowed.append(Kind.REINSTATE)
    return [str(a) for a in allowed]


def _removed_by(case: Case) -> bool:
    """Has a standing `remove content` decision on this case hidden the item?"""
    return Enforcement.objects.filter(
        case=case, kind=Kind.REMOVE_CONTENT, reversed_at__isnull=True
    ).exists()


def _signed_in(actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise NotSignedIn("Sign in to do this.")


def _locked_case(case_id: int) -> Case:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("subject", "assigned_to")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound("No such case.")
    # Two moderators on two cases about one member: their decisions on the member queue.
    list(Member.objects.select_for_update().filter(pk=case.subject_id).values_list("pk"))
    return case


STALE = "This case changed since you opened it. Reload it and decide again."


def _permit(actor, case: Case, action: str, version: int | None) -> None:
    rank = fresh_rank(actor)
    if rank < RANKS[MODERATOR]:
        raise Refused("Only moderators and admins can act on cases.")
    if version is not None and version != case.version:
        raise Conflict(STALE, code="stale_case")
    allowed = allowed_actions(actor, case, rank=rank)
    if action not in allowed:
        if rank_of(case.subject) >= rank or actor.pk == case.subject_id:
            raise Refused("You can't act on a member of your own or a higher staff role.")
        if case.assigned_to_id not in (None, actor.pk):
            raise Conflict(f"{case.assigned_to.username} has claimed this case.", code="claimed")
        raise Conflict("That action doesn't apply to this case as it stands.", code="not_allowed")


def _bump(case: Case, **changes) -> None:
    changes["version"] = F("version") + 1
    Case.objects.filter(pk=case.pk).update(**changes)
    case.refresh_from_db()


# ---------------------------------------------------------------- claim / release


def claim(*, actor, case_id: int, version: int | None = None) -> Case:
    _signed_in(actor)
    with transaction.atomic():
        case = _locked_case(case_id)
        _permit(actor, case, CLAIM, version)
        _bump(case, assigned_to=actor, claimed_at=timezone.now())
        Report.objects.filter(signal__case=case, status=Report.Status.RECEIVED).update(
            status=Report.Status.IN_REVIEW
        )
        record(
            actor=actor, event="case_claim", target_type="case", target_id=case.pk,
            target_label=f"case {case.pk}",
        )  # fmt: skip
    return case


def release(*, actor, case_id: int, version: int | None = None) -> Case:
    _signed_in(actor)
    with transaction.atomic():
        case = _locked_case(case_id)
        _permit(actor, case, RELEASE, version)
        before = case.assigned_to.username if case.assigned_to else None
        _bump(case, assigned_to=None, claimed_at=None)
        record(
            actor=actor, event="case_release", target_type="case", target_id=case.pk,
            target_label=f"case {case.pk}", old={"assigned_to": before},
        )  # fmt: skip
    return case


# ---------------------------------------------------------------- decisions


def _clean(kind: str, category: str | None, reason: str | None, days) -> tuple:
    if kind not in Kind.values:
        raise Invalid.field("action", "Choose one of the actions offered for this case.")
    category_obj = chosen_category(category)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid.field("reason", "Give the reason: the member will read it (reporters won't).")
    if len(reason) > REASON_MAX or "\x00" in reason:
        raise Invalid.field("reason", f"Keep the reason to at most {REASON_MAX:,} characters.")
    if kind in TIMED:
        try:
            days = int(days)
        except (TypeError, ValueError):
            raise Invalid.field("days", "Say for how many days (1 to 365).") from None
        if not 1 <= days <= MAX_DAYS:
            raise Invalid.field("days", "Say for how many days (1 to 365).")
    else:
        days = None
    return category_obj, reason, days


def _end_sessions(subject: Member, now) -> None:
    """Every session (the epoch is in the session hash) and every API token, at once."""
    Member.objects.filter(pk=subject.pk).update(session_epoch=F("session_epoch") + 1)
    ApiToken.objects.filter(member=subject, revoked_at__isnull=True).update(revoked_at=now)


def _hide_content(case: Case, now) -> None:
    model = CONTENT[case.target_type]
    model.objects.filter(pk=case.target_id, hidden_at__isnull=True).update(hidden_at=now)
    model.objects.filter(pk=case.target_id).update(removed_at=now)
    if model is Message:
        chat_id = Message.objects.filter(pk=case.target_id).values_list("chat_id", flat=True)
        for cid in chat_id:
            refresh_last_message(cid)


def _show_content(case: Case) -> None:
    model = CONTENT[case.target_type]
    model.objects.filter(pk=case.target_id).update(hidden_at=None, removed_at=None)
    if model is Message:
        for cid in Message.objects.filter(pk=case.target_id).values_list("chat_id", flat=True):
            refresh_last_message(cid)


def _apply(kind: str, case: Case, subject: Member, until, now) -> dict:
    """Change the subject or the content; return the member's state after it (for audit)."""
    members = Member.objects.filter(pk=subject.pk)
    if kind == Kind.REMOVE_CONTENT:
        _hide_content(case, now)
    elif kind == Kind.DISMISS and case.target_type in CONTENT and not _removed_by(case):
        _show_content(case)  # flags had hidden it pending review: no violation, it returns
    elif kind == Kind.RESTRICT:  # a shorter one never cuts short one in force
        members.filter(Q(restricted_until__isnull=True) | Q(restricted_until__lt=until)).update(
            restricted_until=until
        )
    elif kind == Kind.SUSPEND:
        members.filter(Q(suspended_until__isnull=True) | Q(suspended_until__lt=until)).update(
            suspended_until=until
        )
        _end_sessions(subject, now)
    elif kind == Kind.REMOVE_MEMBER:
        members.update(is_active=False, removed_at=now)
        _end_sessions(subject, now)
        Friendship.objects.filter(member=subject).delete()
        Friendship.objects.filter(friend=subject).delete()
    elif kind == Kind.LIFT:
        members.update(restricted_until=None, suspended_until=None)
    elif kind == Kind.REINSTATE:
        members.update(is_active=True, removed_at=None)
    token_cache.forget_member(subject.pk)  # update() sends no signal; API requests see it now
    subject.refresh_from_db()
    return _standing(subject)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _standing(subject: Member) -> dict:
    return {
        "restricted_until": _iso(subject.restricted_until),
        "suspended_until": _iso(subject.suspended_until),
        "removed_at": _iso(subject.removed_at),
        "is_active": subject.is_active,
    }


def _close(case: Case, kind: str, now) -> None:
    """Close the case: each pending signal is agreed with (action) or dismissed, the
    flag weight starts again from zero, and each report tells its reporter the outcome."""
    outcome = Signal.Outcome.DISMISSED if kind == Kind.DISMISS else Signal.Outcome.AGREED
    case.signals.filter(outcome=Signal.Outcome.PENDING).update(outcome=outcome)
    words = NO_VIOLATION if kind == Kind.DISMISS else TOOK_ACTION
    Report.objects.filter(signal__case=case).exclude(status=Report.Status.CLOSED).update(
        status=Report.Status.CLOSED, outcome=words
    )
    # A re-opened case goes back to the queue unclaimed.
    _bump(case, status=Case.Status.CLOSED, closed_at=now, flag_weight=0.0, assigned_to=None,
          claimed_at=None)  # fmt: skip


def _this_rounds_reporters(case: Case) -> dict[int, bool]:
    """Who flagged, reported or wrote a ticket since the case last closed (the pending
    signals), each with whether they filed a report (their page is My reports)."""
    found: dict[int, bool] = {}
    pending = case.signals.filter(outcome=Signal.Outcome.PENDING, reporter__isnull=False)
    for reporter_id, report_id in pending.values_list("reporter_id", "report_id"):
        if reporter_id != case.subject_id:
            found[reporter_id] = found.get(reporter_id, False) or report_id is not None
    return found


def _tell_reporters(reporters: dict[int, bool], kind: str) -> None:
    """Reporters learn the outcome, never the sanction (nor who else reported)."""
    if kind == Kind.DISMISS:
        body = (
            "We reviewed what you told us about and found no violation of our community "
            "guidelines. Thank you for reporting: it helps keep Haven safe. You can still "
            "block anyone you don't want to hear from."
        )
        title = NO_VIOLATION
    else:
        body = (
            "We reviewed what you told us about and took action under our community "
            "guidelines. For the member's privacy we don't share what the action was. "
            "Thank you for reporting."
        )
        title = TOOK_ACTION
    for member in Member.objects.filter(pk__in=reporters):
        notify(member, title=title, body=body, url="/reports" if reporters[member.pk] else "")


SUBJECT_TITLES = {
    Kind.REMOVE_CONTENT: "We removed something you posted",
    Kind.WARN: "You received a warning (a strike)",
    Kind.RESTRICT: "Your account is restricted",
    Kind.SUSPEND: "Your account is suspended",
    Kind.REMOVE_MEMBER: "Your account was removed from Haven",
    Kind.LIFT: "A restriction or suspension on your account was lifted",
    Kind.REINSTATE: "Your account was reinstated",
}


def describe(case: Case, item) -> str:
    """Which item (`content_of(case)`) a content decision was about, in the member's
    own words; "" for a decision on the member or on an item since deleted."""
    if item is None:
        return ""
    noun = dict(TargetType.choices)[case.target_type].lower()
    text = getattr(item, "title", "") or getattr(item, "body", "") or getattr(item, "text", "")
    return f'your {noun} "{text[:80]}{"…" if len(text) > 80 else ""}"'


def _tell_subject(enforcement: Enforcement) -> None:
    kind = enforcement.kind
    if kind == Kind.DISMISS:
        return
    lines = []
    about = describe(enforcement.case, content_of(enforcement.case))
    if about:
        lines.append(f"About: {about}")
    lines.append(f"Why: {enforcement.category.name}. {enforcement.reason}")
    if kind in SANCTIONS:
        if enforcement.until:
            lines.append(f"Until: {when(enforcement.until)}.")
        if kind in STRIKES:
            lines.append("This counts as a strike on your account.")
        lines.append(
            f"If you think we got this wrong, you can appeal once, within {APPEAL_DAYS} days, "
            "from your account standing page. A different moderator will decide."
        )
    subject = enforcement.subject
    notify(
        subject,
        title=SUBJECT_TITLES[kind],
        body="\n".join(lines),
        url=standing_url(subject)
        if kind in (Kind.SUSPEND, Kind.REMOVE_MEMBER)
        else "/settings/standing",
    )


def act(
    *,
    actor,
    case_id: int,
    action: str,
    category: str | None,
    reason: str | None,
    days=None,
    version: int | None,
) -> Enforcement:
    """Take one decision on a case (see the module docstring for the order of checks)."""
    _signed_in(actor)
    if action in (CLAIM, RELEASE):
        raise Invalid.field("action", "Claim and release have their own endpoints.")
    category_obj, reason, days = _clean(action, category, reason, days)
    if version is None:
        raise Invalid.field("version", "Send the case version you decided on.")
    with transaction.atomic():
        case = _locked_case(case_id)
        _permit(actor, case, action, version)
        now = timezone.now()
        subject = case.subject
        before = _standing(subject)
        until = now + timedelta(days=days) if days else None
        after = _apply(action, case, subject, until, now)
        enforcement = Enforcement.objects.create(
            case=case, subject=subject, moderator=actor, kind=action, category=category_obj,
            reason=reason, days=days, until=until, strike=action in STRIKES,
        )  # fmt: skip
        if action in (Kind.DISMISS, *SANCTIONS) and case.status == Case.Status.OPEN:
            reporters = _this_rounds_reporters(case)  # once per round: a later sanction
            _close(case, action, now)  # on the closed case tells nobody again
            _tell_reporters(reporters, action)
        elif action in SANCTIONS:  # a sanction after this round was dismissed: the
            # reporters were right after all (for their accuracy; they are not told again)
            case.signals.filter(
                outcome=Signal.Outcome.DISMISSED, created_at__gte=case.opened_at
            ).update(outcome=Signal.Outcome.AGREED)
        _bump(case, first_action_at=case.first_action_at or now)
        if action in STRIKES:
            priority.refresh_open_cases_of(subject.pk)
        record(
            actor=actor,
            event=f"enforce_{action}",
            target=subject,
            reason=f"{category_obj.name}: {reason}",
            old=before,
            new={**after, "case": case.pk, "days": days, "until": _iso(until)},
        )
        _tell_subject(enforcement)
    return enforcement


# ---------------------------------------------------------------- appeals


def file_appeal(*, member, enforcement_id: int, text: str | None) -> Appeal:
    """The member's one appeal of one sanction, within APPEAL_DAYS days."""
    text = (text or "").strip()
    if not text:
        raise Invalid.field("text", "Tell us why you think the decision was wrong.")
    if len(text) > APPEAL_MAX or "\x00" in text:
        raise Invalid.field("text", f"Keep your appeal to at most {APPEAL_MAX:,} characters.")
    with transaction.atomic():
        enforcement = (
            Enforcement.objects.select_for_update()
            .filter(pk=enforcement_id, subject_id=member.pk, kind__in=SANCTIONS)
            .first()
        )
        if enforcement is None:
            raise NotFound("No such decision on your account.")
        if Appeal.objects.filter(enforcement=enforcement).exists():
            raise Conflict("You have already appealed this decision.", code="already_appealed")
        if enforcement.reversed_at is not None:
            raise Conflict("This decision was already reversed.", code="reversed")
        if timezone.now() - enforcement.created_at > timedelta(days=APPEAL_DAYS):
            raise Refused(f"Appeals must be made within {APPEAL_DAYS} days of the decision.")
        appeal = Appeal.objects.create(enforcement=enforcement, member=member, text=text)
        record(
            actor=member, event="appeal", target=member, reason=text,
            snapshot={"enforcement": enforcement.pk, "kind": enforcement.kind},
        )  # fmt: skip
    return appeal


def _reverse(enforcement: Enforcement, now) -> None:
    """Undo a sanction's effect (only if it is still the one in force)."""
    kind, subject = enforcement.kind, enforcement.subject
    members = Member.objects.filter(pk=subject.pk)
    later_same = Enforcement.objects.filter(
        subject=subject, kind=kind, reversed_at__isnull=True, pk__gt=enforcement.pk
    )
    if kind == Kind.REMOVE_CONTENT:
        if not later_same.filter(case=enforcement.case).exists():
            _show_content(enforcement.case)
    elif kind == Kind.RESTRICT:
        members.filter(restricted_until=enforcement.until).update(restricted_until=None)
    elif kind == Kind.SUSPEND:
        members.filter(suspended_until=enforcement.until).update(suspended_until=None)
    elif kind == Kind.REMOVE_MEMBER and not later_same.exists():
        members.filter(removed_at__isnull=False).update(is_active=True, removed_at=None)
    Enforcement.objects.filter(pk=enforcement.pk).update(reversed_at=now)
    # Staff now find no violation: the reporters it agreed with were not right, unless
    # another sanction on the case, taken after their signal, still stands.
    still_agreed = Enforcement.objects.filter(
        case=enforcement.case,
        kind__in=SANCTIONS,
        reversed_at__isnull=True,
        created_at__gte=OuterRef("created_at"),
    )
    enforcement.case.signals.filter(
        outcome=Signal.Outcome.AGREED, created_at__lte=enforcement.created_at
    ).exclude(Exists(still_agreed)).update(outcome=Signal.Outcome.DISMISSED)
    priority.refresh_open_cases_of(subject.pk)


def decide_appeal(*, actor, appeal_id: int, decision: str, reason: str | None) -> Appeal:
    """Uphold or overturn. Never by the moderator who made the decision appealed."""
    _signed_in(actor)
    if decision not in (Appeal.Status.UPHELD, Appeal.Status.OVERTURNED):
        raise Invalid.field("decision", "Choose upheld or overturned.")
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX or "\x00" in reason:
        raise Invalid.field("reason", "Explain the decision (the member will read it).")
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update(of=("self",))
            .select_related("enforcement__subject", "enforcement__case", "enforcement__category")
            .filter(pk=appeal_id)
            .first()
        )
        if appeal is None:
            raise NotFound("No such appeal.")
        rank = fresh_rank(actor)
        if rank < RANKS[MODERATOR]:
            raise Refused("Only moderators and admins can decide appeals.")
        enforcement = appeal.enforcement
        if enforcement.moderator_id == actor.pk:
            raise Refused("A different moderator must decide an appeal of your own decision.")
        if rank_of(enforcement.subject) >= rank or actor.pk == enforcement.subject_id:
            raise Refused("You can't act on a member of your own or a higher staff role.")
        if appeal.status != Appeal.Status.PENDING:
            raise Conflict("This appeal has already been decided.", code="decided")
        now = timezone.now()
        if decision == Appeal.Status.OVERTURNED:
            _reverse(enforcement, now)
        appeal.status, appeal.decided_by, appeal.decided_at = decision, actor, now
        appeal.decision_reason = reason
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        subject = enforcement.subject
        subject.refresh_from_db()
        record(
            actor=actor, event=f"appeal_{decision}", target=subject, reason=reason,
            new={"appeal": appeal.pk, "enforcement": enforcement.pk, **_standing(subject)},
        )  # fmt: skip
        overturned = decision == Appeal.Status.OVERTURNED
        notify(
            subject,
            title="Your appeal was accepted" if overturned else "Your appeal was reviewed",
            body=(
                "A moderator reviewed your appeal and reversed the decision. "
                if overturned
                else "A moderator reviewed your appeal and kept the decision. "
            )
            + reason,
            url="/settings/standing",
        )
    return appeal
