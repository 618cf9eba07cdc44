"""What PRODUCT.md says each role may do with each move: one grid, walked by the service's and the API's tests.

Written out here, not taken from claims.rules: the tests hold the rules to the product, not to themselves.
"""

import itertools

import pytest

from claims.models import ClaimStatus

S = ClaimStatus

RESEARCHER_MOVES = {(S.DRAFT, S.RESEARCHING), (S.RESEARCHING, S.IN_REVIEW), (S.IN_REVIEW, S.RESEARCHING)}
EDITOR_MOVES = RESEARCHER_MOVES | {
    (S.IN_REVIEW, S.PUBLISHED),
    (S.DRAFT, S.REJECTED),
    (S.RESEARCHING, S.REJECTED),
    (S.IN_REVIEW, S.REJECTED),
    (S.PUBLISHED, S.RESEARCHING),
}
# The moves each role may make; `outsider` is staff with no role on the desk.
ALLOWED = {
    "outsider": set(),
    "viewer": set(),
    "researcher": RESEARCHER_MOVES,
    "editor": EDITOR_MOVES,
    "superuser": EDITOR_MOVES,
}
PAIRS = list(itertools.permutations(S, 2))

# Every role against every pair of statuses: @every_move gives a test `role`, `frm` and `to`.
every_move = pytest.mark.parametrize(
    ("role", "frm", "to"),
    [(role, frm, to) for role in sorted(ALLOWED) for frm, to in PAIRS],
    ids=[f"{role}:{frm}->{to}" for role in sorted(ALLOWED) for frm, to in PAIRS],
)


def refusal(role: str, frm: ClaimStatus, to: ClaimStatus) -> str | None:
    """None if the role may make the move; otherwise what refuses it: the role ("role"), when another role may make
    the move, or the workflow ("rule"), which has no such move."""
    if (frm, to) in ALLOWED[role]:
        return None
    return "role" if (frm, to) in EDITOR_MOVES else "rule"
