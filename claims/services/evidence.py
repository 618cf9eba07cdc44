"""Attaching evidence to claims: a source (found or created by its normalized URL), a stance and the exact quote."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from claims import rules
from claims.errors import InvalidInput, RuleViolation
from claims.models import Claim, Evidence, QuoteStatus, Source, Stance
from claims.services.claims import claim_lock, claim_touch
from claims.sources.services import source_check_request, source_for_url


def _wait_for_check(source_id: int) -> None:
    """Wait while a check is recording its result for this source: the evidence written after it is then verified
    by the next check (asked for below), instead of being overwritten with the result for what it said before."""
    list(Source.objects.select_for_update().filter(pk=source_id).values_list("pk"))


def _check_stance(stance: str) -> None:
    if stance not in Stance.values:
        message = _("Choose a stance: %(stances)s.") % {"stances": ", ".join(Stance.values)}
        raise InvalidInput("invalid_stance", message, errors={"stance": [message]})


# The fields a person types; the rest is set by the services.
TYPED_FIELDS = ("stance", "quote", "note", "quote_override_reason")


def _save(evidence: Evidence, by: User, update_fields: list[str] | None = None) -> None:
    exclude = [f.name for f in Evidence._meta.fields if f.name not in TYPED_FIELDS]
    try:
        evidence.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise InvalidInput("invalid", _("Some fields are not valid."), errors=error.message_dict) from None
    evidence._history_user = by
    evidence.save(update_fields=update_fields)
    claim_touch(claim_id=evidence.claim_id)


@transaction.atomic
def evidence_add(
    *,
    claim: Claim,
    url: str,
    stance: str,
    by: User,
    quote: str = "",
    note: str = "",
    quote_override_reason: str | None = None,
) -> Evidence:
    """Cite a page for a claim, and vouch for its quote with a reason (editors). The page's source row is shared
    by every claim that cites the same normalized URL."""
    claim = claim_lock(claim=claim)
    rules.check_may_edit_evidence(by, claim, "add")
    _check_stance(stance)
    source = source_for_url(url=url)
    _wait_for_check(source.pk)
    evidence = Evidence(claim=claim, source=source, stance=stance, quote=quote.strip(), note=note.strip(), added_by=by)
    _save(evidence, by)
    source_check_request(source_id=source.pk)
    if quote_override_reason is not None:
        evidence = evidence_quote_override(evidence=evidence, reason=quote_override_reason, by=by)
    return evidence


@transaction.atomic
def evidence_update(
    *,
    evidence: Evidence,
    by: User,
    url: str | None = None,
    stance: str | None = None,
    quote: str | None = None,
    note: str | None = None,
    quote_override_reason: str | None = None,
) -> Evidence:
    """Change what a piece of evidence cites or says, and vouch for its quote with a reason (editors).

    A new page or quote must be verified again: what was vouched for before no longer counts. The edit and the
    vouching stand or fall together.
    """
    claim = claim_lock(claim=evidence.claim)
    _wait_for_check(evidence.source_id)
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    rules.check_may_edit_evidence(by, claim, "change")
    changed: list[str] = []
    if url is not None:
        source = source_for_url(url=url)
        if source.pk != evidence.source_id:
            evidence.source = source
            changed.append("source")
    if stance is not None and stance != evidence.stance:
        _check_stance(stance)
        evidence.stance = stance
        changed.append("stance")
    if quote is not None and quote.strip() != evidence.quote:
        evidence.quote = quote.strip()
        changed.append("quote")
    if note is not None and note.strip() != evidence.note:
        evidence.note = note.strip()
        changed.append("note")
    if "source" in changed or "quote" in changed:
        # What was verified, or vouched for, was another page or another passage.
        evidence.quote_status = QuoteStatus.UNVERIFIED
        evidence.quote_unverified_because = ""
        evidence.snapshot = evidence.cited_snapshot = None
        evidence.page_changed = False
        evidence.quote_override_by = None
        evidence.quote_override_reason = ""
        changed += [
            "quote_status",
            "quote_unverified_because",
            "snapshot",
            "cited_snapshot",
            "page_changed",
            "quote_override_by",
            "quote_override_reason",
        ]
    if changed:
        _save(evidence, by, update_fields=changed)
    if "source" in changed or "quote" in changed:
        source_check_request(source_id=evidence.source_id)
    if quote_override_reason is not None:
        evidence = evidence_quote_override(evidence=evidence, reason=quote_override_reason, by=by)
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, by: User) -> None:
    claim = claim_lock(claim=evidence.claim)
    rules.check_may_edit_evidence(by, claim, "delete")
    evidence._history_user = by
    evidence.delete()
    claim_touch(claim_id=claim.pk)


@transaction.atomic
def evidence_quote_override(*, evidence: Evidence, reason: str, by: User) -> Evidence:
    """An editor vouches for a quote the checker could not find on the page (paywall, PDF, removed page)."""
    rules.check_may_override_quote(by)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "reason_required",
            _("Say why you vouch for this quote."),
            errors={"quote_override_reason": [_("This field is required.")]},
        )
    if not evidence.quote:
        raise RuleViolation("no_quote", _("This evidence has no quote to vouch for."))
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    evidence.quote_override_by = by
    evidence.quote_override_reason = reason
    _save(evidence, by, update_fields=["quote_override_by", "quote_override_reason"])
    return evidence
