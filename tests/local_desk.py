"""The desk's side of tests/test_local_run.py, run in processes of its own on `make run`'s settings: an editor's
claims and evidence, an editor at work, and what the database holds at the end.

    python -m tests.local_desk setup URL...      # one claim per page, citing it with QUOTE
    python -m tests.local_desk edit SECONDS URL  # edits for SECONDS, new evidence citing URL/new/<n>; prints them
    python -m tests.local_desk report            # prints the claims, sources, checks and flags as JSON
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from tests.pages import QUOTE


def desk_setup(pages: list[str]) -> None:
    """An editor, and one claim per page with a refuting evidence quoting QUOTE: the workers have sources to check."""
    from django.contrib.auth.models import Group, User

    from claims.services.claims import claim_create
    from claims.services.evidence import evidence_add

    editor = User.objects.create_user("editor", password="editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="editor"))
    for n, page in enumerate(pages):
        claim = claim_create(by=editor, text=f"DeepSeek a dépensé {n} millions de dollars.", claimant="OpenAI")
        evidence_add(claim=claim, url=page, stance="refutes", quote=QUOTE, by=editor)


def desk_edit(seconds: float, new_pages: str) -> dict[str, Any]:
    """An editor in the admin for `seconds`: summaries typed, and evidence added (pages the workers then check).

    Returns what was written (the last summary of each claim, the pages cited) and every write that failed.
    """
    from django.contrib.auth.models import User
    from django.db import OperationalError

    from claims.models import Claim
    from claims.services.claims import claim_update
    from claims.services.evidence import evidence_add

    editor = User.objects.get(username="editor")
    claims = list(Claim.objects.order_by("pk"))
    summaries: dict[str, str] = {}
    cited: list[str] = []
    failed: list[str] = []
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        claim = claims[n % len(claims)]
        adding = n % 3 == 2
        try:
            if adding:
                url = f"{new_pages}/new/{n}"
                evidence_add(claim=claim, url=url, stance="context", quote=QUOTE, by=editor)
                cited.append(url)
            else:
                summary = f"Aucune preuve publiée (version {n})."
                claim_update(claim=claim, by=editor, changes={"summary": summary})
                summaries[str(claim.pk)] = summary
        except OperationalError as error:
            failed.append(f"{'evidence_add' if adding else 'claim_update'}: {error}")
        n += 1
        # A person's pace, sped up: a write every few hundredths of a second rather than every few seconds.
        time.sleep(0.02)
    return {"writes": n, "summaries": summaries, "cited": cited, "failed": failed}


def desk_report() -> dict[str, Any]:
    """What the database holds: each claim's summary, evidence and open flags; each source's state and checks."""
    from django.db.models import Count

    from claims.models import Claim, Evidence, Flag, Source

    return {
        "summaries": {str(pk): summary for pk, summary in Claim.objects.values_list("pk", "summary")},
        "cited": sorted(Evidence.objects.values_list("source__url", flat=True)),
        "sources": [
            {"url": url, "state": state, "checks": checks, "leased": token is not None, "sweep_pending": pending}
            for url, state, checks, token, pending in Source.objects.annotate(n_checks=Count("checks")).values_list(
                "url", "state", "n_checks", "lease_token", "sweep_pending"
            )
        ],
        "quote_missing": sorted(
            Evidence.objects.filter(quote_status="missing").values_list("claim_id", flat=True).distinct()
        ),
        "flags": sorted(Flag.objects.filter(cleared_at__isnull=True).values_list("claim_id", "kind")),
    }


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.local")
    import django

    django.setup()
    command, *args = argv
    if command == "setup":
        desk_setup(args)
    elif command == "edit":
        print(json.dumps(desk_edit(float(args[0]), args[1])))
    elif command == "report":
        print(json.dumps(desk_report()))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
