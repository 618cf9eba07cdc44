"""Creating, editing and deleting claims, with the roles' rights and optimistic concurrency."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from taggit.models import Tag, TaggedItem

from claims import rules
from claims.alerts.events import event_record
from claims.errors import DeskError, InvalidInput, StaleVersion
from claims.matching.services import similar_claims_find_later
from claims.models import ChangeKind, Claim, ClaimStatus, EventType, PublishedChange

# The fields a person edits; status, version and dates belong to the services.
EDITABLE_FIELDS = frozenset(
    {"text", "claimant", "claim_date", "appearance_url", "language", "rating", "summary", "assignee"}
)


def claim_validate(claim: Claim, *, fields: Iterable[str] | None = None) -> None:
    """Run the model's own validation and report it as InvalidInput with messages per field."""
    exclude = None if fields is None else [f.name for f in Claim._meta.fields if f.name not in set(fields)]
    try:
        claim.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise InvalidInput("invalid", _("Some fields are not valid."), errors=error.message_dict) from None


def claim_lock(*, claim: Claim, expected_version: int | None = None) -> Claim:
    """The claim's current row, locked until the transaction ends; StaleVersion if it moved on."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            "stale_version",
            _(
                "Someone else changed this claim since you opened it (version %(theirs)d, yours %(yours)d). "
                "Reload it and make your change again."
            )
            % {"theirs": locked.version, "yours": expected_version},
        )
    return locked


def claim_touch(*, claim_id: int) -> None:
    """A change to the claim's evidence changes what the claim looks like: new version."""
    Claim.objects.filter(pk=claim_id).update(version=F("version") + 1)


@transaction.atomic
def claim_create(
    *,
    by: User,
    text: str,
    claimant: str,
    language: str = "fr",
    tags: Iterable[str] = (),
    **fields: Any,
) -> Claim:
    """A new claim, in draft, created by `by`. `fields` are further EDITABLE_FIELDS."""
    rules.check_may_create_claim(by)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput("unknown_fields", _("These fields cannot be set: %s.") % ", ".join(sorted(unknown)))
    claim = Claim(text=text, claimant=claimant, language=language, created_by=by, status=ClaimStatus.DRAFT, **fields)
    claim_validate(claim)
    claim._history_user = by
    claim.save()
    if tags:
        claim.tags.set(list(tags))
    similar_claims_find_later(claim.pk)
    return claim


@transaction.atomic
def claim_update(
    *,
    claim: Claim,
    by: User,
    changes: Mapping[str, Any],
    tags: Iterable[str] | None = None,
    expected_version: int | None = None,
    change_kind: str = "",
    change_note: str = "",
) -> Claim:
    """A person's edits to a claim: only EDITABLE_FIELDS, only what the role may edit, never over a newer version.

    On a published fact-check, a change readers see goes with a note for them (`change_note`, of `change_kind`),
    listed on its public page; its verdict changes only through a reopening.
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput("unknown_fields", _("These fields cannot be changed here: %s.") % ", ".join(sorted(unknown)))
    change_note = change_note.strip()
    if change_note and change_kind not in ChangeKind.values:
        message = _("Say what kind of change this is: %(kinds)s.") % {"kinds": ", ".join(ChangeKind.values)}
        raise InvalidInput("invalid", message, errors={"change_kind": [message]})
    claim = claim_lock(claim=claim, expected_version=expected_version)
    rules.check_may_edit_claim(by, claim)
    changed = [name for name, value in changes.items() if getattr(claim, name) != value]
    for name in changed:
        setattr(claim, name, changes[name])
    claim_validate(claim, fields=changed)
    if "assignee" in changed:
        rules.check_may_be_assigned(claim.assignee)
    rules.check_published_change(claim, changed, note=change_note)
    tags_changed = tags is not None and sorted(tags) != sorted(claim.tags.names())
    if not changed and not tags_changed:
        return claim
    claim.version += 1
    claim._history_user = by
    claim._change_reason = change_note or None
    claim.save(update_fields=[*changed, "version", "updated_at"])
    if tags_changed:
        claim.tags.set(list(tags or ()))
    if {"text", "language"} & set(changed):
        similar_claims_find_later(claim.pk)
    public = [name for name in changed if name in rules.PUBLIC_FIELDS]
    if claim.status == ClaimStatus.PUBLISHED and public:
        change = PublishedChange.objects.create(claim=claim, kind=change_kind, note=change_note, fields=public, by=by)
        event_record(type=EventType.CLAIM_CORRECTED, claim=claim, at=change.at)
    return claim


@transaction.atomic
def claim_delete(*, claim: Claim, by: User, expected_version: int | None = None) -> None:
    """Delete an unpublished claim; its history stays."""
    claim = claim_lock(claim=claim, expected_version=expected_version)
    rules.check_deletable(by, claim)
    claim._history_user = by
    claim.delete()


# --- Many claims at once (the admin's bulk actions) ----------------------------------------------

# A tag's name fits taggit's column.
TAG_MAX_LENGTH = 100


@dataclass
class BulkOutcome:
    """What a change asked for many claims did to each: the claims done (or already so), and those refused, with the
    rule's refusal. Each claim is done whole or not at all."""

    done: list[Claim] = field(default_factory=list)
    refused: list[tuple[Claim, DeskError]] = field(default_factory=list)


def _claims_lock(claim_ids: Iterable[int]) -> list[Claim]:
    """The claims' current rows, locked until the transaction ends, in id order (two bulk changes never deadlock)."""
    return list(Claim.objects.select_for_update().filter(pk__in=list(claim_ids)).order_by("pk"))


def _claims_editable(claims: list[Claim], by: User, fields: Iterable[str]) -> BulkOutcome:
    """Which claims `by` may change these fields of (what only the desk sees), by the rules claim_update applies to
    each."""
    outcome = BulkOutcome()
    for claim in claims:
        try:
            rules.check_may_edit_claim(by, claim)
            rules.check_published_change(claim, fields, note="")
        except DeskError as refusal:
            outcome.refused.append((claim, refusal))
        else:
            outcome.done.append(claim)
    return outcome


def _claims_changed(claims: list[Claim], *, by: User, now: datetime, **changes: Any) -> None:
    """Write `changes` to these claims as claim_update would, in three statements: a new version each, and a
    history row each saying who changed them."""
    if not claims:
        return
    Claim.objects.filter(pk__in=[claim.pk for claim in claims]).update(
        **changes, version=F("version") + 1, updated_at=now
    )
    for claim in claims:
        for name, value in changes.items():
            setattr(claim, name, value)
        claim.version += 1
        claim.updated_at = now
    Claim.history.bulk_history_create(claims, update=True, default_user=by, default_date=now)


@transaction.atomic
def claims_assign(*, claim_ids: Iterable[int], assignee: User | None, by: User) -> BulkOutcome:
    """Give each of these claims to `assignee` (None: to nobody), where `by` may edit it; the others are refused,
    each with its rule's reason. A fixed number of statements, whatever the number of claims."""
    rules.check_may_be_assigned(assignee)
    outcome = _claims_editable(_claims_lock(claim_ids), by, ["assignee"])
    assignee_id = assignee.pk if assignee is not None else None
    changed = [claim for claim in outcome.done if claim.assignee_id != assignee_id]
    _claims_changed(changed, by=by, now=timezone.now(), assignee=assignee)
    return outcome


@transaction.atomic
def claims_tag(*, claim_ids: Iterable[int], tags: Iterable[str], by: User) -> BulkOutcome:
    """Add these tags to each of these claims where `by` may edit it (tags are desk-only: published ones too); the
    others are refused, each with its rule's reason. A fixed number of statements per tag, whatever the number of
    claims."""
    names = sorted({name.strip() for name in tags if name.strip()})
    if not names:
        message = _("Name at least one tag.")
        raise InvalidInput("tags_required", message, errors={"tags": [message]})
    too_long = [name for name in names if len(name) > TAG_MAX_LENGTH]
    if too_long:
        message = _("A tag has at most %(max)d characters.") % {"max": TAG_MAX_LENGTH}
        raise InvalidInput("invalid", message, errors={"tags": [message]})
    outcome = _claims_editable(_claims_lock(claim_ids), by, [])
    tag_rows = [Tag.objects.get_or_create(name=name)[0] for name in names]
    content_type = ContentType.objects.get_for_model(Claim)
    claims = {claim.pk: claim for claim in outcome.done}
    present = set(
        TaggedItem.objects.filter(content_type=content_type, object_id__in=claims, tag__in=tag_rows).values_list(
            "object_id", "tag_id"
        )
    )
    missing = [(pk, tag) for pk in claims for tag in tag_rows if (pk, tag.pk) not in present]
    TaggedItem.objects.bulk_create(
        [TaggedItem(content_type=content_type, object_id=pk, tag=tag) for pk, tag in missing], ignore_conflicts=True
    )
    _claims_changed(sorted({claims[pk] for pk, _tag in missing}, key=lambda c: c.pk), by=by, now=timezone.now())
    return outcome
