"""What the database itself refuses, whatever code tries."""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from claims.models import Claim, Flag, FlagKind, Rating
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db


def refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except IntegrityError:
        return True
    return False


def test_at_most_one_open_flag_of_a_kind_per_claim():
    claim = ClaimFactory()
    flag = Flag.objects.create(claim=claim, kind=FlagKind.UNPROVEN)
    assert refused(lambda: Flag.objects.create(claim=claim, kind=FlagKind.UNPROVEN))
    assert not refused(lambda: Flag.objects.create(claim=claim, kind=FlagKind.QUOTE_MISSING))

    flag.cleared_at = flag.raised_at
    flag.save()
    assert not refused(lambda: Flag.objects.create(claim=claim, kind=FlagKind.UNPROVEN))
    assert claim.flags.filter(kind=FlagKind.UNPROVEN).count() == 2


@pytest.mark.parametrize(
    "action",
    [
        lambda: Claim.objects.filter(pk=ClaimFactory().pk).update(status="archived"),
        lambda: Claim.objects.filter(pk=ClaimFactory().pk).update(status="published"),
        lambda: Claim.objects.filter(pk=ClaimFactory().pk).update(language="FR"),
        lambda: Rating.objects.create(slug="x", label_en="x", label_fr="x", claimreview_value=6),
        lambda: Rating.objects.create(slug="y", label_en="y", label_fr="y", colour="red"),
        lambda: Rating.objects.create(slug="true", label_en="x", label_fr="x"),
        lambda: SourceFactory(url="https://example.org/a") and SourceFactory(url="https://example.org/a"),
        lambda: EvidenceFactory(stance="maybe"),
        lambda: EvidenceFactory(quote_status="perhaps"),
        lambda: Flag.objects.create(claim=ClaimFactory(), kind="bored"),
    ],
    ids=[
        "unknown status",
        "published without date",
        "language",
        "claimreview 6",
        "colour",
        "duplicate slug",
        "duplicate source url",
        "stance",
        "quote status",
        "flag kind",
    ],
)
def test_the_database_refuses_impossible_rows(action):
    assert refused(action)


def test_the_default_scale_and_the_roles_exist():
    scale = list(Rating.objects.values_list("slug", "claimreview_value"))
    assert scale == [
        ("true", 5),
        ("mostly-true", 4),
        ("mixed", 3),
        ("mostly-false", 2),
        ("false", 1),
        ("misleading", None),
        ("unproven", None),
    ]
    assert set(Group.objects.values_list("name", flat=True)) >= {"viewer", "researcher", "editor"}
