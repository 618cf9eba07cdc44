"""API latency benchmark (`make bench-api`): list, search and detail at 100,000 claims, against a .values() baseline.

Seeds its own PostgreSQL database (100,000 claims, 300,000 evidence rows) once, then measures in process through the
whole Django stack (middleware, token auth, DRF) with the test client, and writes its section of docs/benchmarks.md.
Not a test: it reports what it measured, misses included.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a file (python bench/bench_api.py) as well as a module
    sys.path.insert(0, str(ROOT))

from bench.common import database_from_env, database_settle, django_migrate, logger, section_publish  # noqa: E402

if TYPE_CHECKING:
    from django.http import HttpRequest, JsonResponse
    from django.http.response import HttpResponseBase
    from django.test import Client

log = logger("bench-api")
CLAIMS, EVIDENCE_PER_CLAIM, SOURCES = 100_000, 3, 30_000
# The words the claims of a desk this size would use (names, places, numbers spelled out): the bench's claims are
# built from a few phrases, so the vocabulary of typos is grown to this many with made-up words.
VOCABULARY = 100_000
SYLLABLES = "ba be bi bo bu cha che chi ra re ri ro ru ta te ti to tu ma me mi mo mu na ne ni no pa pe po pu la le"
PAGE = 50
SEARCHES = [
    "DeepSeek",
    "société générale",
    "puces Nvidia",
    "smugled chips",
    "milliards",
    "entraînement du modèle",
    "Microsoft cloud",
    "prèuve",
    "distillation",
    "export controls",
]


# --- Seeding ---------------------------------------------------------------------------------------------------

FR_SUBJECTS = [
    "DeepSeek",
    "OpenAI",
    "Nvidia",
    "La Société Générale",
    "Le gouvernement",
    "Microsoft",
    "Alibaba",
    "Le ministère de l'Économie",
    "Une start-up chinoise",
    "Les chercheurs de Hangzhou",
    "Meta",
    "Mistral",
]
FR_VERBS = [
    "a dépensé",
    "a copié",
    "a entraîné son modèle avec",
    "a perdu",
    "a caché",
    "a reçu",
    "a importé",
    "a contourné les contrôles avec",
    "a obtenu par distillation",
    "a publié",
]
FR_OBJECTS = [
    "six millions de dollars",
    "les réponses de ChatGPT",
    "50 000 puces Nvidia",
    "600 milliards en bourse",
    "des données européennes",
    "une preuve de son avance",
    "l'entraînement du modèle",
    "des puces H100",
    "un financement public",
    "les poids de son modèle",
]
EN_SUBJECTS = ["DeepSeek", "OpenAI", "Nvidia", "The Commerce Department", "Microsoft", "A senator", "Alibaba Cloud"]
EN_VERBS = ["spent", "copied", "smuggled", "lost", "trained its model on", "bypassed export controls with", "hid"]
EN_OBJECTS = [
    "six million dollars",
    "ChatGPT's answers",
    "50,000 Nvidia chips",
    "600 billion dollars",
    "distillation outputs",
    "H100 chips through Singapore",
    "the model's weights",
]
CLAIMANTS = [
    "OpenAI",
    "David Sacks",
    "DeepSeek",
    "Commentateurs financiers",
    "Alibaba Cloud",
    "Microsoft",
    "Chronique tech",
    "Un député",
    "A senator",
    "Partisans de DeepSeek",
]


def claim_text(rng: random.Random, n: int) -> tuple[str, str]:
    if rng.random() < 0.8:
        return "fr", f"{rng.choice(FR_SUBJECTS)} {rng.choice(FR_VERBS)} {rng.choice(FR_OBJECTS)} (affaire {n})."
    return "en", f"{rng.choice(EN_SUBJECTS)} {rng.choice(EN_VERBS)} {rng.choice(EN_OBJECTS)} (case {n})."


def seed() -> None:
    """100,000 claims in every status, 30,000 sources in every state, 300,000 evidence rows, open flags and tags."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from claims.models import (
        Claim,
        ClaimStatus,
        Evidence,
        Flag,
        FlagKind,
        QuoteStatus,
        Rating,
        Source,
        SourceState,
        Stance,
    )

    if Claim.objects.count() >= CLAIMS and Evidence.objects.count() >= CLAIMS * EVIDENCE_PER_CLAIM:
        log("the database is already seeded")
        return
    log("emptying the claim tables")
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE claims_evidence, claims_flag, claims_transition, claims_claim, claims_check, "
            "claims_snapshot, claims_source, claims_searchword, taggit_taggeditem, taggit_tag RESTART IDENTITY CASCADE"
        )
    rng = random.Random(2025)
    User = get_user_model()
    people = []
    for name, role in [("bench-editor", "editor"), ("bench-researcher", "researcher"), ("bench-viewer", "viewer")]:
        user, _ = User.objects.get_or_create(username=name, defaults={"is_staff": True})
        user.groups.add(Group.objects.get(name=role))
        people.append(user)
    ratings = list(Rating.objects.all())
    now = timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        statuses = list(ClaimStatus)
        claims = []
        for n in range(CLAIMS):
            language, text = claim_text(rng, n)
            status = rng.choice(statuses)
            published = now - datetime.timedelta(days=rng.randint(0, 400)) if status == ClaimStatus.PUBLISHED else None
            claims.append(
                Claim(
                    text=text,
                    claimant=rng.choice(CLAIMANTS),
                    language=language,
                    status=status,
                    claim_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 365)),
                    appearance_url=f"https://media.example/{n}",
                    rating=rng.choice(ratings) if status != "draft" else None,
                    summary="Résumé publié." if published else "",
                    assignee=rng.choice(people),
                    created_by=people[1],
                    created_at=now - datetime.timedelta(minutes=n),
                    first_published_at=published,
                    published_at=published,
                )
            )
        Claim.objects.bulk_create(claims, batch_size=5000)
        log(f"{CLAIMS} claims in {time.monotonic() - started:.0f} s")
        states = list(SourceState)
        Source.objects.bulk_create(
            (
                Source(
                    url=f"https://site{n % 500}.example/article-{n}",
                    host=f"site{n % 500}.example",
                    state=rng.choice(states),
                    http_status=200,
                )
                for n in range(SOURCES)
            ),
            batch_size=5000,
        )
        claim_ids = list(Claim.objects.values_list("id", flat=True))
        source_ids = list(Source.objects.values_list("id", flat=True))
        stances, quote_statuses = list(Stance), list(QuoteStatus)
        batch: list[Evidence] = []
        for claim_id in claim_ids:
            for _ in range(EVIDENCE_PER_CLAIM):
                batch.append(
                    Evidence(
                        claim_id=claim_id,
                        source_id=rng.choice(source_ids),
                        stance=rng.choice(stances),
                        quote="« un passage exact de la page »",
                        quote_status=rng.choice(quote_statuses),
                        added_by=people[1],
                        added_at=now,
                    )
                )
            if len(batch) >= 15_000:
                Evidence.objects.bulk_create(batch)
                batch = []
        Evidence.objects.bulk_create(batch)
        log(f"{CLAIMS * EVIDENCE_PER_CLAIM} evidence rows in {time.monotonic() - started:.0f} s")
        Flag.objects.bulk_create(
            (Flag(claim_id=claim_id, kind=FlagKind.UNPROVEN) for claim_id in claim_ids[::20]), batch_size=5000
        )
        tags = [Tag.objects.create(name=name, slug=name) for name in ("ia", "deepseek", "bourse", "puces")]
        from django.contrib.contenttypes.models import ContentType

        claim_type = ContentType.objects.get_for_model(Claim)
        TaggedItem.objects.bulk_create(
            (
                TaggedItem(tag=tags[i % 4], content_type=claim_type, object_id=claim_id)
                for i, claim_id in enumerate(claim_ids[::3])
            ),
            batch_size=5000,
        )
    log(f"seeded in {time.monotonic() - started:.0f} s")


# --- The baseline: the same fields, by hand, with .values() ----------------------------------------------------

# The API's own columns (claims/api/reads.py, CLAIM_COLUMNS and EVIDENCE_COLUMNS), read by hand: the same rows,
# without the API's code around them.


def _baseline_rows(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from taggit.models import TaggedItem

    from claims.api.reads import EVIDENCE_COLUMNS
    from claims.models import Evidence, Flag
    from claims.reasons import flag_reason_text

    ids = [claim["id"] for claim in claims]
    evidence: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in Evidence.objects.filter(claim_id__in=ids).order_by("added_at", "id").values(*EVIDENCE_COLUMNS):
        evidence[row["claim_id"]].append(row)
    flags: dict[int, list[Mapping[str, object]]] = defaultdict(list)
    for row in Flag.objects.filter(claim_id__in=ids, cleared_at__isnull=True).values(
        "claim_id", "kind", "details", "raised_at"
    ):
        # The reason as the API says it: from the flag's kind, in the request's language.
        flags[row["claim_id"]].append({**row, "reason": flag_reason_text(str(row["kind"]), row["details"])})
    tags: dict[int, list[str]] = defaultdict(list)
    for row in TaggedItem.objects.filter(object_id__in=ids, content_type__model="claim").values(
        "object_id", "tag__name"
    ):
        tags[row["object_id"]].append(row["tag__name"])
    return [
        {**claim, "evidence": evidence[claim["id"]], "flags": flags[claim["id"]], "tags": tags[claim["id"]]}
        for claim in claims
    ]


def baseline_list(request: HttpRequest) -> JsonResponse:
    from django.http import JsonResponse

    from claims.api.reads import CLAIM_COLUMNS
    from claims.models import Claim

    claims = Claim.objects.all()
    query = request.GET.get("q")
    if query:
        from claims.selectors import claims_search

        claims = claims_search(claims, query)
    count = claims.count()
    page = list(claims.values(*CLAIM_COLUMNS)[:PAGE])
    return JsonResponse({"count": count, "results": _baseline_rows(page)})


def baseline_detail(request: HttpRequest, claim_id: int) -> JsonResponse:
    from django.http import JsonResponse

    from claims.api.reads import CLAIM_COLUMNS
    from claims.models import Claim

    return JsonResponse(_baseline_rows(list(Claim.objects.filter(pk=claim_id).values(*CLAIM_COLUMNS)))[0])


def _urlpatterns() -> list[object]:
    from django.urls import path

    from factcheck.urls import urlpatterns as app_urls

    return [
        *app_urls,
        path("baseline/claims/", baseline_list),
        path("baseline/claims/<int:claim_id>/", baseline_detail),
    ]


def __getattr__(name: str) -> Any:
    """`urlpatterns`, built on first use: this module is ROOT_URLCONF while measuring, the app's URLs and the baseline.

    Built lazily because the script imports this module before Django is set up.
    """
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


def vocabulary_grow() -> None:
    """Made-up words of two to four syllables in the typos' vocabulary, up to VOCABULARY words: what the lookup of
    closest spellings searches through at a desk of this size (words sharing syllables share trigrams, as real
    words do)."""
    from claims.models import SearchWord

    missing = VOCABULARY - SearchWord.objects.count()
    if missing <= 0:
        return
    rng, syllables = random.Random(2026), SYLLABLES.split()
    known = set(SearchWord.objects.values_list("word", flat=True))
    words: set[str] = set()
    while len(words) < missing:
        word = "".join(rng.choices(syllables, k=rng.randint(2, 5)))
        if word not in known:
            words.add(word)
    SearchWord.objects.bulk_create([SearchWord(word=word) for word in words], batch_size=5000)
    log(f"the typos' vocabulary grown by {len(words):,} made-up words")


# --- Measuring -------------------------------------------------------------------------------------------------


class Timing(NamedTuple):
    """Milliseconds at the median and the 95th percentile, and the queries one request sends."""

    p50: float
    p95: float
    queries: int


class Line(NamedTuple):
    """A line of the report's main table: the API and the baseline on the same request."""

    what: str
    endpoint: str
    api: Timing
    baseline: Timing


class SearchTiming(NamedTuple):
    p50: float
    p95: float
    matches: int
    order: str


class PageTiming(NamedTuple):
    """A page people read (the admin's claim list, the public list): not compared with a baseline."""

    what: str
    url: str
    timing: Timing


def search_params(query: str, page_size: int = PAGE) -> dict[str, str | int]:
    return {"q": query, "page_size": page_size}


def measure(get: Callable[[int], HttpResponseBase], repeat: int) -> Timing:
    """p50 and p95 in ms over `repeat` requests (after a warm-up), and the queries of the last one."""
    (timing,) = measure_together([get], repeat)
    return timing


def measure_together(gets: list[Callable[[int], HttpResponseBase]], repeat: int) -> list[Timing]:
    """Each of `gets` `repeat` times, in turns (one of each, then again, starting each turn with the next): a slow
    moment of the shared machine falls on all of them alike, so that they compare. p50, p95 and the queries of the
    last request of each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for get in gets:
        for i in range(max(5, repeat // 10)):
            get(i)
    times: list[list[float]] = [[] for _ in gets]
    for i in range(repeat):
        for turn in range(len(gets)):
            which = (i + turn) % len(gets)
            started = time.perf_counter()
            response = gets[which](i)
            times[which].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (response.status_code, getattr(response, "content", b"")[:300])
    timings = []
    for get, measured in zip(gets, times, strict=True):
        with CaptureQueriesContext(connection) as queries:
            get(0)
        measured.sort()
        timings.append(Timing(statistics.median(measured), measured[int(len(measured) * 0.95) - 1], len(queries)))
    return timings


def query_count(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def explain_search(query: str) -> str:
    from claims.models import Claim
    from claims.selectors import claims_search

    return claims_search(Claim.objects.all(), query)[:PAGE].explain(analyze=True)


def explain_spellings(query: str) -> str:
    """The plan of a typo's first step: the claims' words spelled closest to the search's."""
    from django.db import connection

    from claims import selectors

    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN ANALYZE {selectors.CLOSEST_SPELLINGS}",
            [query, selectors.SEARCH_TYPO_WORDS, True, True, selectors.SEARCH_SPELLINGS],
        )
        return "\n".join(row[0] for row in cursor.fetchall())


def search_matches(query: str) -> tuple[int, str]:
    """How many claims the words of `query` find (exactly, for the report) and the order the search shows them in."""
    from claims import selectors
    from claims.models import Claim

    matches, spelled = selectors.claims_with_words(Claim.objects.all(), query).count(), ""
    if not matches:
        spelled = selectors.spellings_tsquery(selectors.search_spellings(query, as_used=True))
        if not spelled:
            return 0, "nothing spelled close"
        matches = selectors.claims_with_words(Claim.objects.all(), spelled, parser=selectors.SPELLED).count()
    order = "newest first" if matches > selectors.SEARCH_RANKED else "best first"
    return matches, f"{order}, as `{spelled}`" if spelled else order


def endpoints_measure(client: Client, sample: list[int], repeat: int) -> list[Line]:
    """The claim list, search and the claim detail, each through the API and through the baseline, in turns."""
    log("measuring the claim list")
    api_list, base_list = measure_together(
        [
            lambda i: client.get(f"/api/v1/claims/?page_size={PAGE}&page={1 + i % 20}"),
            lambda i: client.get("/baseline/claims/"),
        ],
        repeat,
    )
    log("measuring search")
    api_search, base_search = measure_together(
        [
            lambda i: client.get("/api/v1/claims/", search_params(SEARCHES[i % len(SEARCHES)])),
            lambda i: client.get("/baseline/claims/", {"q": SEARCHES[i % len(SEARCHES)]}),
        ],
        repeat,
    )
    log("measuring the claim detail")
    api_detail, base_detail = measure_together(
        [lambda i: client.get(f"/api/v1/claims/{sample[i]}/"), lambda i: client.get(f"/baseline/claims/{sample[i]}/")],
        repeat,
    )
    return [
        Line("claim list, page of 50", f"GET /api/v1/claims/?page_size={PAGE}", api_list, base_list),
        Line("search q, page of 50", "GET /api/v1/claims/?q=…", api_search, base_search),
        Line("claim detail", "GET /api/v1/claims/{id}/", api_detail, base_detail),
    ]


def searches_measure(client: Client, repeat: int) -> dict[str, SearchTiming]:
    """Each query of the search mix on its own, the queries in turns: p50, p95 and how many claims it matches."""
    log("measuring each query of the search mix")

    def searching(query: str) -> Callable[[int], HttpResponseBase]:
        return lambda i: client.get("/api/v1/claims/", search_params(query))

    timings = measure_together([searching(query) for query in SEARCHES], max(20, repeat // 2))
    return {
        query: SearchTiming(timing.p50, timing.p95, *search_matches(query))
        for query, timing in zip(SEARCHES, timings, strict=True)
    }


def pages_measure(repeat: int) -> list[PageTiming]:
    """The admin's claim list (as an editor) and the public list of fact-checks (anonymous), first and later pages,
    filtered and searched."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    editor = Client()
    editor.force_login(get_user_model().objects.get(username="bench-editor"))
    reader = Client()
    urls = [
        ("admin: claim list", editor, "/admin/claims/claim/?p={page}"),
        ("admin: claims in review", editor, "/admin/claims/claim/?status__exact=in_review&p={page}"),
        ("admin: search", editor, "/admin/claims/claim/?q={query}"),
        ("public list", reader, "/factchecks/?page={page}"),
        ("public list, in French", reader, "/factchecks/?language=fr&page={page}"),
    ]
    timings = []
    for what, client, url in urls:
        log(f"measuring {what}")

        def get(i: int, client: Client = client, url: str = url) -> HttpResponseBase:
            return client.get(url.format(page=1 + i % 20, query=SEARCHES[i % len(SEARCHES)]))

        timings.append(PageTiming(what, url.format(page="N", query="…"), measure(get, max(20, repeat // 4))))
    return timings


@dataclass
class Measured:
    """What the report says: the timings, the query counts per page size, the plans, and the setting."""

    lines: list[Line]
    counts: dict[int, int]  # queries of a claim list request, by page size
    search_counts: dict[int, int]  # the same with q
    per_query: dict[str, SearchTiming]
    pages: list[PageTiming]
    plan: str
    typo_plan: str
    pg_version: str
    repeat: int
    load: tuple[float, float]  # the load average when measuring began and when it ended


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--repeat", type=int, default=200, help="requests per measurement")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing docs/")
    args = parser.parse_args()
    name = database_from_env("bench-api", log=log)
    # The benchmark makes thousands of requests as one user: a rate it never reaches (the throttle still runs).
    os.environ["FACTCHECK_API_THROTTLE_USER"] = "10000000/minute"
    django_migrate(name, log=log)
    seed()
    vocabulary_grow()
    database_settle(log=log)
    section_publish("bench-api", render(measure_all(args.repeat)), write=not args.no_write, log=log)
    return 0


def measure_all(repeat: int) -> Measured:
    """Every measurement, through this module's URLs (the app's and the baseline's), as the viewer."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from rest_framework.authtoken.models import Token

    from claims.models import Claim

    settings.DEBUG = False
    token, _ = Token.objects.get_or_create(user=get_user_model().objects.get(username="bench-viewer"))
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    rng = random.Random(7)
    claim_ids = list(Claim.objects.values_list("id", flat=True))
    sample = [rng.choice(claim_ids) for _ in range(repeat + 50)]
    load_before = os.getloadavg()[0]
    with override_settings(ROOT_URLCONF="bench.bench_api"):
        lines = endpoints_measure(client, sample, repeat)
        counts = {size: query_count(client, f"/api/v1/claims/?page_size={size}") for size in (5, 50, 100)}
        search_counts = {size: query_count(client, f"/api/v1/claims/?q=DeepSeek&page_size={size}") for size in (5, 100)}
        per_query = searches_measure(client, repeat)
        pages = pages_measure(repeat)
    load = (load_before, os.getloadavg()[0])
    plan, typo_plan = explain_search("société générale"), explain_spellings("smugled chips")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        row = cursor.fetchone()
    pg_version = str(row[0]).split(",")[0] if row else "unknown"
    return Measured(lines, counts, search_counts, per_query, pages, plan, typo_plan, pg_version, repeat, load)


# --- The report ------------------------------------------------------------------------------------------------


def render(m: Measured) -> str:
    return "".join([*_setting(m), *_tables(m), *_targets(m), *_plans(m)])


def _setting(m: Measured) -> list[str]:
    return [
        "## API (make bench-api)\n\n",
        f"`make bench-api`, run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}, {m.pg_version}). Database `factcheck_bench`: "
        f"{CLAIMS:,} claims, {CLAIMS * EVIDENCE_PER_CLAIM:,} evidence rows over {SOURCES:,} sources, "
        f"5% of claims with an open flag, a third tagged; the typos' vocabulary grown to {VOCABULARY:,} words with "
        "made-up ones, as a desk's claims would use (the bench's are built from a few phrases). In process "
        "through the whole stack (middleware, token auth, DRF) with Django's test client; "
        f"{m.repeat} requests per line after a warm-up, the API's and the baseline's in turns (one of each, and "
        f"again), and {max(20, m.repeat // 2)} for each query of the search mix, the queries in turns, so that a slow "
        "moment falls on all alike; the machine was shared "
        f"with other work (other engineers' test runs; load average {m.load[0]:.1f} when measuring began, "
        f"{m.load[1]:.1f} when it ended, on 2 cores) and the figures include that contention.\n\n",
        "The baseline is a hand-written view in `bench/bench_api.py` returning the same fields (claims, their "
        "evidence with the sources' state, open flags, tags) with `.values()` as a `JsonResponse`, without DRF, "
        "auth checks or pagination links.\n\n",
    ]


def _tables(m: Measured) -> list[str]:
    return [
        "| what | endpoint | API p50 ms | API p95 ms | baseline p50 ms | baseline p95 ms | API / baseline (p50) "
        "| queries API / baseline |\n|---|---|---|---|---|---|---|---|\n",
        *(
            f"| {line.what} | `{line.endpoint}` | {line.api.p50:.1f} | {line.api.p95:.1f} | {line.baseline.p50:.1f} | "
            f"{line.baseline.p95:.1f} | {line.api.p50 / line.baseline.p50:.2f}× | {line.api.queries} / "
            f"{line.baseline.queries} |\n"
            for line in m.lines
        ),
        "\nSearch p50 / p95 per query (API, page of 50; matches: the claims its words find, counted exactly for this "
        "report; the API counts up to 1,000 and estimates beyond):\n\n"
        "| q | matches | order | p50 ms | p95 ms |\n|---|---|---|---|---|\n",
        *(
            f"| `{query}` | {t.matches:,} | {t.order} | {t.p50:.1f} | {t.p95:.1f} |\n"
            for query, t in m.per_query.items()
        ),
        f"\nQueries per claim list request: page_size 5: {m.counts[5]}, 50: {m.counts[50]}, 100: {m.counts[100]}; "
        f"with q: page_size 5: {m.search_counts[5]}, 100: {m.search_counts[100]} "
        "(never more for a larger page; `tests/api/test_query_counts.py` holds every list endpoint to it).\n\n",
        f"Pages people read, at {CLAIMS:,} claims ({max(20, m.repeat // 4)} requests each, pages 1 to 20 in turn; "
        "the admin as an editor, the public list anonymous):\n\n"
        "| page | URL | p50 ms | p95 ms | queries |\n|---|---|---|---|---|\n",
        *(
            f"| {page.what} | `{page.url}` | {page.timing.p50:.1f} | {page.timing.p95:.1f} | {page.timing.queries} |\n"
            for page in m.pages
        ),
        "\n",
    ]


def _targets(m: Measured) -> list[str]:
    listed, searched, detail = m.lines
    ratio = listed.api.p50 / listed.baseline.p50
    worst_search = max(m.per_query.items(), key=lambda item: item[1].p95)
    worst_page = max(m.pages, key=lambda page: page.timing.p95)
    more = m.counts[100] > m.counts[5] or m.search_counts[100] > m.search_counts[5]

    def met(ok: bool) -> str:
        return "met" if ok else "**missed**"

    return [
        "Targets (issue 14):\n\n",
        f"- list p95 under 50 ms: {listed.api.p95:.1f} ms: {met(listed.api.p95 < 50)}.\n",
        f"- list within 1.5× of the baseline at p50: {ratio:.2f}×: {met(ratio <= 1.5)}.\n",
        f"- search p95 under 50 ms: {searched.api.p95:.1f} ms over the mix: {met(searched.api.p95 < 50)}; the worst "
        f"query on its own, `{worst_search[0]}`, {worst_search[1].p95:.1f} ms: {met(worst_search[1].p95 < 50)}.\n",
        f"- detail p95 under 15 ms: {detail.api.p95:.1f} ms: {met(detail.api.p95 < 15)}.\n",
        f"- admin and public lists p95 under 150 ms: the slowest, {worst_page.what}, {worst_page.timing.p95:.1f} ms: "
        f"{met(worst_page.timing.p95 < 150)}.\n",
        f"- a constant number of queries whatever the page size: {met(not more)}.\n\n",
    ]


def _plans(m: Measured) -> list[str]:
    reads_backwards = "claims_claim_pkey" in m.plan
    uses_trigrams = "search_word_trgm_idx" in m.typo_plan
    return [
        "`EXPLAIN ANALYZE` of `q=société générale`, page of 50: its words find more than 1,000 claims, so the newest "
        f"come first, read from the claims' primary key backwards ({'yes' if reads_backwards else 'NO'}) with the "
        "words checked on each, not ranked all:\n\n```\n" + m.plan + "\n```\n\n",
        "A typo (`q=smugled chips`: no claim has these words): each word's closest spellings among the claims' words "
        "are looked up first, on the vocabulary's trigram index "
        f"({'yes' if uses_trigrams else 'NO'}), then searched for like any words:\n\n```\n" + m.typo_plan + "\n```\n",
    ]


if __name__ == "__main__":
    raise SystemExit(main())
