"""Creating, editing and deleting claims, with the roles' rights and optimistic concurrency."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from claims import rules
from claims.alerts.events import event_record
from claims.errors import InvalidInput, StaleVersion
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
    rules.check_published_change(claim, changed, note=change_note)
    if claim.status == ClaimStatus.PUBLISHED and changed:
        # Readers see the change at once: it must leave a fact-check that could be published as it is.
        rules.check_publishable(claim)
    tags_changed = tags is not None and sorted(tags) != sorted(claim.tags.names())
    if not changed and not tags_changed:
        return claim
    claim.version += 1
    claim._history_user = by
    claim._change_reason = change_note or None
    claim.save(update_fields=[*changed, "version", "updated_at"])
    if tags_changed:
        claim.tags.set(list(tags or ()))
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
