"""The workflow: every move of a claim, with its rules, goes through claim_transition."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import rules
from claims.errors import InvalidInput, NotAllowed, RuleViolation
from claims.models import Claim, ClaimStatus, Transition
from claims.services.claims import claim_lock


def _check_four_eyes(claim: Claim, by: AbstractBaseUser) -> None:
    if not settings.FACTCHECK_FOUR_EYES:
        return
    sent_to_review = claim.transitions.filter(to_status=ClaimStatus.IN_REVIEW).order_by("-at", "-id").first()
    if sent_to_review is not None and sent_to_review.by_id == by.pk:
        raise RuleViolation(
            "four_eyes",
            _("You sent this claim to review, so someone else must publish it (four-eyes rule)."),
        )


@transaction.atomic
def claim_transition(
    *,
    claim: Claim,
    to: ClaimStatus | str,
    by: AbstractBaseUser,
    comment: str = "",
    expected_version: int | None = None,
) -> Claim:
    """Move a claim to another workflow status, or raise the DeskError that says why not."""
    if to not in ClaimStatus.values:
        raise InvalidInput(
            "unknown_status",
            _("There is no status “%(to)s”. Statuses: %(statuses)s.")
            % {"to": to, "statuses": ", ".join(ClaimStatus.values)},
            errors={"to": [_("Unknown status.")]},
        )
    to = ClaimStatus(to)
    comment = comment.strip()
    claim = claim_lock(claim=claim, expected_version=expected_version)
    frm = ClaimStatus(claim.status)
    if frm == to:
        raise RuleViolation("already_there", _("The claim is already %(status)s.") % {"status": to.label.lower()})
    permission = rules.move_permission(frm, to)
    if permission is None:
        possible = [t.label.lower() for (f, t) in rules.MOVES if f == frm]
        raise RuleViolation(
            "transition_not_allowed",
            _("A claim that is %(frm)s cannot become %(to)s. It can become: %(possible)s.")
            % {"frm": frm.label.lower(), "to": to.label.lower(), "possible": ", ".join(possible) or "-"},
        )
    if not by.has_perm(permission):
        raise NotAllowed(
            "permission_denied",
            _("Your role cannot move a claim from %(frm)s to %(to)s; an editor can.")
            % {"frm": frm.label.lower(), "to": to.label.lower()},
        )
    if (frm, to) in rules.COMMENT_REQUIRED and not comment:
        raise RuleViolation(
            "comment_required",
            _("Say why in the comment: it is kept in the claim's history."),
        )
    if to == ClaimStatus.IN_REVIEW:
        rules.check_ready_for_review(claim)
    elif to == ClaimStatus.PUBLISHED:
        rules.check_publishable(claim)
        _check_four_eyes(claim, by)
    elif to == ClaimStatus.REJECTED and not rules.may_be_rejected(claim):
        raise RuleViolation(
            "published_claim_not_rejectable",
            _("This fact-check was published and stays public: publish its correction instead of rejecting it."),
        )

    now = timezone.now()
    claim.status = to
    claim.version += 1
    fields = ["status", "version", "updated_at"]
    if to == ClaimStatus.PUBLISHED:
        claim.published_at = now
        claim.first_published_at = claim.first_published_at or now
        fields += ["published_at", "first_published_at"]
    claim._history_user = by
    claim._change_reason = comment or f"{frm.label} → {to.label}"
    claim.save(update_fields=fields)
    Transition.objects.create(claim=claim, from_status=frm, to_status=to, by=by, at=now, comment=comment)
    return claim
