"""The admin as each role sees it: pages, evidence by URL, workflow buttons and their refusals, history."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.claimreview import factcheck_url
from claims.models import Check, Claim, ClaimStatus, Evidence, Flag, FlagKind, QuoteStatus, Snapshot, Source, Stance
from tests.browser_forms import form_fields
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory, claim_at, rating
from tests.watch import check_now

S = ClaimStatus
ROLES = ["viewer", "researcher", "editor", "superuser", "outsider"]


def login(client, user):
    client.force_login(user)
    return client


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- What each role may open --------------------------------------------------------------------

PAGES = {
    # page: roles that get 200; the others get 403
    "claim_list": {"viewer", "researcher", "editor", "superuser"},
    "claim_add": {"researcher", "editor", "superuser"},
    "claim_history": {"viewer", "researcher", "editor", "superuser"},
    "claim_delete_draft": {"editor", "superuser"},
    "rating_list": {"viewer", "researcher", "editor", "superuser"},
    "rating_add": {"editor", "superuser"},
    "source_list": {"viewer", "researcher", "editor", "superuser"},
    "source_page": {"viewer", "researcher", "editor", "superuser"},
    "source_add": set(),
    "check_list": {"viewer", "researcher", "editor", "superuser"},
    "snapshot_list": {"viewer", "researcher", "editor", "superuser"},
    "flag_list": {"viewer", "researcher", "editor", "superuser"},
}


def page_url(page, claim, source):
    return {
        "claim_list": reverse("admin:claims_claim_changelist"),
        "claim_add": reverse("admin:claims_claim_add"),
        "claim_history": reverse("admin:claims_claim_history", args=[claim.pk]),
        "claim_delete_draft": reverse("admin:claims_claim_delete", args=[claim.pk]),
        "rating_list": reverse("admin:claims_rating_changelist"),
        "rating_add": reverse("admin:claims_rating_add"),
        "source_list": reverse("admin:claims_source_changelist"),
        "source_page": reverse("admin:claims_source_change", args=[source.pk]),
        "source_add": reverse("admin:claims_source_add"),
        "check_list": reverse("admin:claims_check_changelist"),
        "snapshot_list": reverse("admin:claims_snapshot_changelist"),
        "flag_list": reverse("admin:claims_flag_changelist"),
    }[page]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_role_opens_exactly_its_pages(client, users, role, page):
    claim = ClaimFactory()
    source = SourceFactory()
    EvidenceFactory(claim=claim, source=source)
    response = login(client, users[role]).get(page_url(page, claim, source))
    assert response.status_code == (200 if role in PAGES[page] else 403)


def can_save(response) -> bool:
    return 'name="_save"' in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status", "editable"),
    [
        ("viewer", S.DRAFT, False),
        ("researcher", S.DRAFT, True),
        ("researcher", S.IN_REVIEW, True),
        ("researcher", S.PUBLISHED, False),
        ("editor", S.PUBLISHED, True),
        ("superuser", S.PUBLISHED, True),
    ],
)
def test_the_claim_page_is_editable_only_where_the_role_may_edit(client, users, make_claim, role, status, editable):
    claim = make_claim(status)
    response = login(client, users[role]).get(change_url(claim))
    assert response.status_code == 200
    assert can_save(response) is editable


def test_a_researcher_cannot_post_changes_to_a_published_claim(client, researcher, make_claim):
    claim = make_claim(S.PUBLISHED)
    page = login(client, researcher).get(change_url(claim))
    data = form_fields(page.content.decode(), "claim_form") | {"claimant": "Quelqu'un d'autre"}
    response = client.post(change_url(claim), data)
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.claimant == "OpenAI"


def test_a_viewer_cannot_create_a_claim(client, viewer):
    response = login(client, viewer).post(reverse("admin:claims_claim_add"), {"text": "x", "claimant": "y"})
    assert response.status_code == 403
    assert not Claim.objects.exists()


# --- Editing through the admin ----------------------------------------------------------------


def test_a_researcher_creates_a_claim_in_draft(client, researcher):
    page = login(client, researcher).get(reverse("admin:claims_claim_add"))
    data = form_fields(page.content.decode(), "claim_form") | {
        "text": "DeepSeek a siphonné le savoir de ChatGPT.",
        "claimant": "OpenAI",
        "claim_date": "2025-01-29",
        "language": "fr",
        "tags": "deepseek, ia",
    }
    response = client.post(reverse("admin:claims_claim_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get()
    assert (claim.status, claim.created_by, sorted(claim.tags.names())) == (S.DRAFT, researcher, ["deepseek", "ia"])


def test_an_editor_attaches_evidence_by_pasting_a_url(client, editor):
    claim = ClaimFactory()
    existing = SourceFactory(url="https://example.org/enquete")
    page = login(client, editor).get(change_url(claim))
    data = form_fields(page.content.decode(), "claim_form") | {
        "evidence-0-url": "HTTPS://Example.org/enquete?utm_source=newsletter#fin",
        "evidence-0-stance": Stance.REFUTES,
        "evidence-0-quote": "Pour l’instant, aucune preuve n’a été présentée.",
        "evidence-0-note": "Article du 29 janvier.",
    }
    response = client.post(change_url(claim), data)
    assert response.status_code == 302, response.content.decode()[:3000]

    evidence = Evidence.objects.get(claim=claim)
    assert evidence.source == existing
    assert (evidence.stance, evidence.quote, evidence.added_by) == (
        Stance.REFUTES,
        "Pour l’instant, aucune preuve n’a été présentée.",
        editor,
    )
    assert evidence.quote_status == QuoteStatus.UNVERIFIED
    assert Source.objects.count() == 1
    claim.refresh_from_db()
    assert claim.version == 2


def test_a_bad_evidence_url_is_shown_on_the_form_and_nothing_is_saved(client, editor):
    claim = ClaimFactory()
    page = login(client, editor).get(change_url(claim))
    data = form_fields(page.content.decode(), "claim_form") | {
        "text": "Texte modifié",
        "evidence-0-url": "ftp://example.org/file",
        "evidence-0-stance": Stance.SUPPORTS,
    }
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    assert "Only http and https addresses can be cited." in response.content.decode()
    claim.refresh_from_db()
    assert claim.text != "Texte modifié"
    assert not Evidence.objects.exists()


def test_saving_over_a_newer_version_is_refused(client, researcher, editor):
    claim = ClaimFactory()
    page = login(client, researcher).get(change_url(claim))
    stale = form_fields(page.content.decode(), "claim_form")
    Claim.objects.filter(pk=claim.pk).update(version=5, summary="Le travail d'un collègue.")

    response = client.post(change_url(claim), stale | {"claimant": "OpenAI (communiqué)"})
    assert response.status_code == 200
    assert "Someone else changed this claim" in response.content.decode()
    claim.refresh_from_db()
    assert (claim.claimant, claim.summary) == ("OpenAI", "Le travail d'un collègue.")


def test_the_history_records_who_changed_what(client, researcher):
    claim = ClaimFactory(claimant="OpenAI")
    page = login(client, researcher).get(change_url(claim))
    client.post(change_url(claim), form_fields(page.content.decode(), "claim_form") | {"claimant": "Sam Altman"})

    record = claim.history.latest()
    assert record.history_user == researcher
    changes = record.diff_against(record.prev_record).changes
    assert [(c.field, c.old, c.new) for c in changes] == [("claimant", "OpenAI", "Sam Altman")]
    assert record.version == 2
    history_page = client.get(reverse("admin:claims_claim_history", args=[claim.pk]))
    assert "researcher" in history_page.content.decode()


# --- Workflow buttons -------------------------------------------------------------------------


def transition(client, claim, to, comment="", **typed):
    """Click a workflow button on the claim's page: the form is posted as the browser has it, with what was typed."""
    page = client.get(change_url(claim)).content.decode()
    data = form_fields(page, "claim_form") | typed | {"workflow_move": to, "workflow_comment": comment}
    return client.post(change_url(claim), data, follow=True)


def test_an_editor_takes_a_claim_from_draft_to_published(client, editor, second_editor):
    claim = ClaimFactory()
    login(client, editor)
    page = client.get(change_url(claim))
    assert "Start research" in page.content.decode()

    client.post(
        change_url(claim),
        form_fields(page.content.decode(), "claim_form")
        | {
            "rating": str(rating("false").pk),
            "summary": "Aucune preuve n'a été présentée.",
            "evidence-0-url": "https://example.org/enquete",
            "evidence-0-stance": Stance.REFUTES,
        },
    )
    for to in (S.RESEARCHING, S.IN_REVIEW):
        assert "is now" in " ".join(messages_of(transition(client, claim, to)))

    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW
    # Four-eyes will refuse this editor: the button is not offered, and a forged click is refused.
    assert (
        '<button type="submit" name="workflow_move" value="published"'
        not in client.get(change_url(claim)).content.decode()
    )
    refused = transition(client, claim, S.PUBLISHED)
    assert "four-eyes" in " ".join(messages_of(refused))
    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW

    login(client, second_editor)
    assert "is now published" in " ".join(messages_of(transition(client, claim, S.PUBLISHED)))
    claim.refresh_from_db()
    assert claim.status == S.PUBLISHED


@pytest.mark.parametrize("typed", ["a new piece of evidence", "a vouching for the quote", "a changed quote"])
def test_a_move_pressed_with_evidence_typed_in_the_same_go_is_made(client, researcher, editor, second_editor, typed):
    """Cite, then send to review; vouch, then publish: one click each, not a false "someone else changed it"."""
    if typed == "a new piece of evidence":
        claim = claim_at(S.RESEARCHING)
        Evidence.objects.filter(claim=claim).update(stance=Stance.CONTEXT)
        user, to = researcher, S.IN_REVIEW
        fields = {"evidence-1-url": "https://example.org/rapport", "evidence-1-stance": Stance.REFUTES}
    else:
        claim = claim_at(S.IN_REVIEW)
        Evidence.objects.filter(claim=claim).update(quote_status=QuoteStatus.MISSING)
        user, to = second_editor, S.PUBLISHED
        fields = (
            {"evidence-0-quote_override_reason": "Relu dans la version PDF du rapport."}
            if typed == "a vouching for the quote"
            else {"evidence-0-quote": "aucune preuve publiée", "evidence-0-quote_override_reason": "Lu dans le PDF."}
        )

    response = transition(login(client, user), claim, to, **fields)

    said = " ".join(messages_of(response))
    assert "is now" in said, said
    claim.refresh_from_db()
    assert claim.status == to


def test_a_refused_move_keeps_what_was_typed(client, researcher):
    """Pick a verdict, type a summary, click "Send to review" before citing evidence: the verdict and the summary
    are saved, and the move is refused with its reason."""
    claim = claim_at(S.RESEARCHING)
    Evidence.objects.filter(claim=claim).update(stance=Stance.CONTEXT)

    response = transition(
        login(client, researcher),
        claim,
        S.IN_REVIEW,
        rating=str(rating("mostly-false").pk),
        summary="Le chiffre ne couvre que la dernière phase.",
    )

    claim.refresh_from_db()
    assert (claim.status, claim.rating.slug, claim.summary) == (
        S.RESEARCHING,
        "mostly-false",
        "Le chiffre ne couvre que la dernière phase.",
    )
    assert messages_of(response) == [
        "Saved, but not moved: Attach at least one piece of evidence that supports or refutes the claim, or rate it "
        "unproven."
    ]
    assert "Le chiffre ne couvre que la dernière phase." in response.content.decode()


def test_a_refused_save_shows_the_form_again_as_typed(client, editor, make_claim):
    """A change of a published fact-check without its note for readers: refused, nothing saved, nothing lost."""
    claim = make_claim(S.PUBLISHED)
    login(client, editor)
    page = client.get(change_url(claim)).content.decode()
    typed = "Un résumé retravaillé, sans note pour les lecteurs."

    response = client.post(change_url(claim), form_fields(page, "claim_form") | {"summary": typed})

    assert response.status_code == 200
    html = response.content.decode()
    assert typed in html
    assert "Readers see this change: say what changed and why in a note for them" in html
    claim.refresh_from_db()
    assert claim.summary == "Aucune preuve publiée." and not claim.published_changes.exists()

    data = form_fields(html, "claim_form") | {"change_kind": "update", "change_note": "Résumé enrichi."}
    assert client.post(change_url(claim), data).status_code == 302
    claim.refresh_from_db()
    assert claim.summary == typed
    assert claim.published_changes.get().note == "Résumé enrichi."


def test_refusals_are_shown_as_messages(client, researcher, make_claim):
    claim = make_claim(S.IN_REVIEW)
    response = transition(login(client, researcher), claim, S.PUBLISHED)
    assert response.status_code == 200
    assert messages_of(response) == [
        "Saved, but not moved: Your role cannot move a claim from in review to published; an editor can."
    ]
    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW


def test_the_buttons_offer_only_the_roles_moves(client, researcher, editor, make_claim):
    claim = make_claim(S.IN_REVIEW)
    researcher_page = login(client, researcher).get(change_url(claim)).content.decode()
    assert "Send back to research" in researcher_page
    assert "Publish" not in researcher_page and "Reject" not in researcher_page
    editor_page = login(client, editor).get(change_url(claim)).content.decode()
    assert "Publish" in editor_page and "Reject" in editor_page


def test_a_viewer_cannot_move_a_claim(client, viewer, make_claim):
    claim = make_claim(S.DRAFT)
    login(client, viewer)
    assert "workflow_move" not in client.get(change_url(claim)).content.decode()
    response = client.post(change_url(claim), {"workflow_move": S.RESEARCHING})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == S.DRAFT


# --- The claim list -----------------------------------------------------------------------------


def seed_claims(count):
    for i in range(count):
        claim = ClaimFactory(rating=rating("false"), assignee=None)
        EvidenceFactory(claim=claim)
        Flag.objects.create(claim=claim, kind=FlagKind.UNPROVEN if i % 2 else FlagKind.QUOTE_MISSING)


def test_the_claim_list_query_count_does_not_grow_with_claims(client, editor, django_assert_num_queries):
    login(client, editor)
    url = reverse("admin:claims_claim_changelist")
    seed_claims(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    seed_claims(40)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('class="fc-badge fc-flag"') == 43


def test_the_claim_list_filters_by_open_flag_and_shows_badges(client, editor):
    flagged = ClaimFactory(text="Affirmation signalée")
    ClaimFactory(text="Affirmation tranquille")
    Flag.objects.create(claim=flagged, kind=FlagKind.EVIDENCE_LOST)
    response = login(client, editor).get(reverse("admin:claims_claim_changelist"), {"flag": FlagKind.EVIDENCE_LOST})
    page = response.content.decode()
    assert "Affirmation signalée" in page and "Affirmation tranquille" not in page
    assert "Evidence lost" in page


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"q": "siphonné"}, True),
        ({"q": "Altman"}, True),
        ({"status__exact": "published"}, False),
        ({"language__exact": "fr"}, True),
    ],
)
def test_the_claim_list_searches_and_filters(client, editor, query, found):
    ClaimFactory(text="DeepSeek a siphonné ChatGPT", claimant="Sam Altman")
    page = login(client, editor).get(reverse("admin:claims_claim_changelist"), query).content.decode()
    assert ("DeepSeek a siphonné ChatGPT" in page) is found


def test_the_claim_list_searches_as_the_api_does_accents_and_typos_forgiven(client, editor):
    ClaimFactory(text="La Société Générale a financé DeepSeek.", language="fr")
    ClaimFactory(text="Nvidia a perdu 600 milliards.", language="fr")
    login(client, editor)
    for query in ("societe generale", "DeepSek"):
        page = client.get(reverse("admin:claims_claim_changelist"), {"q": query}).content.decode()
        assert "La Société Générale a financé DeepSeek." in page and "Nvidia a perdu" not in page, query


def test_the_language_filter_offers_the_languages_of_the_claims(client, editor):
    ClaimFactory(language="fr")
    ClaimFactory(language="de")
    page = login(client, editor).get(reverse("admin:claims_claim_changelist")).content.decode()
    assert "?language__exact=de" in page and "?language__exact=fr" in page and "?language__exact=en" not in page


def test_a_long_claim_list_says_its_count_is_an_estimate_and_every_page_opens(client, editor, monkeypatch):
    from claims import pagination

    monkeypatch.setattr(pagination, "COUNT_EXACT_UP_TO", 3)
    monkeypatch.setattr("claims.admin.ClaimAdmin.list_per_page", 2)
    claims = ClaimFactory.create_batch(5)
    login(client, editor)
    first = client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert re.search(r"about \d+ claims", first)
    seen = set()
    for page in (1, 2, 3):
        html = client.get(reverse("admin:claims_claim_changelist"), {"p": page}).content.decode()
        seen |= {claim.pk for claim in claims if change_url(claim) in html}
    assert seen == {claim.pk for claim in claims}


def test_a_short_claim_list_is_counted_exactly(client, editor):
    ClaimFactory.create_batch(3)
    page = login(client, editor).get(reverse("admin:claims_claim_changelist")).content.decode()
    assert "3 claims" in page and not re.search(r"about \d+ claim", page)


def test_ratings_are_editable_by_editors_only(client, researcher, editor):
    false = rating("false")
    url = reverse("admin:claims_rating_change", args=[false.pk])
    assert not can_save(login(client, researcher).get(url))
    assert client.post(url, {"label_en": "Wrong"}).status_code == 403

    page = login(client, editor).get(url)
    data = form_fields(page.content.decode(), "rating_form") | {"label_fr": "Archifaux", "colour": "#aa0000"}
    assert client.post(url, data).status_code == 302
    false.refresh_from_db()
    assert (false.label_fr, false.colour, false.history.latest().history_user) == ("Archifaux", "#aa0000", editor)


def test_what_a_published_verdict_says_cannot_be_relabelled(client, editor, make_claim):
    # A published fact-check rated "false": renaming that step of the scale would change its verdict silently.
    make_claim(S.PUBLISHED)
    false, unused = rating("false"), rating("true")
    login(client, editor)
    url = reverse("admin:claims_rating_change", args=[false.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="label_en"' not in page and 'name="claimreview_value"' not in page
    assert "Add a new step to the scale instead." in page

    data = form_fields(page, "rating_form") | {"label_en": "Entirely true", "claimreview_value": 5, "colour": "#aa0000"}
    assert client.post(url, data).status_code == 302
    false.refresh_from_db()
    assert (false.label_en, false.claimreview_value, false.colour) == ("False", 1, "#aa0000")

    # A step no fact-check was published with is still the editors' to word.
    unused_page = client.get(reverse("admin:claims_rating_change", args=[unused.pk])).content.decode()
    assert 'name="label_en"' in unused_page


def test_an_editor_deletes_a_draft_and_its_history_stays(client, editor):
    claim = ClaimFactory()
    response = login(client, editor).post(reverse("admin:claims_claim_delete", args=[claim.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()
    deletion = claim.history.model.objects.filter(id=claim.pk).latest()
    assert (deletion.history_type, deletion.history_user) == ("-", editor)


PUBLISHED_NOT_DELETABLE = (
    "A fact-check that was published cannot be deleted: readers can still see it. Reopen it for a correction instead."
)


def test_a_published_claim_cannot_be_deleted_even_by_its_editor(client, editor, make_claim, api):
    claim = make_claim(S.PUBLISHED)
    login(client, editor)
    delete_url = reverse("admin:claims_claim_delete", args=[claim.pk])
    assert delete_url not in client.get(change_url(claim)).content.decode()
    draft = ClaimFactory()
    assert reverse("admin:claims_claim_delete", args=[draft.pk]) in client.get(change_url(draft)).content.decode()

    for method in (client.get, client.post):
        response = method(delete_url, {"post": "yes"}, follow=True)
        assert response.redirect_chain == [(change_url(claim), 302)]
        assert [str(m) for m in response.context["messages"]] == [PUBLISHED_NOT_DELETABLE]
    assert Claim.objects.filter(pk=claim.pk).exists()
    # The API refuses with the same rule, in the same words.
    refusal = api(editor).delete(f"/api/v1/claims/{claim.pk}/")
    assert (refusal.status_code, refusal.json()["message"]) == (409, PUBLISHED_NOT_DELETABLE)


def test_deleting_a_selection_with_a_published_claim_deletes_none_of_them(client, editor, make_claim):
    draft, published = ClaimFactory(), make_claim(S.PUBLISHED)
    response = login(client, editor).post(
        reverse("admin:claims_claim_changelist"),
        {"action": "delete_selected", "_selected_action": [draft.pk, published.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert messages_of(response) == [PUBLISHED_NOT_DELETABLE]
    assert Claim.objects.filter(pk__in=[draft.pk, published.pk]).count() == 2


# --- Sources and schedules ------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "allowed"), [("viewer", False), ("researcher", True), ("editor", True)])
def test_researchers_and_editors_ask_for_a_check_now(client, users, role, allowed):
    later = timezone.now() + timedelta(days=1)
    source = SourceFactory(next_check_at=later)
    response = login(client, users[role]).post(
        reverse("admin:claims_source_changelist"), {"action": "check_now", "_selected_action": [source.pk]}, follow=True
    )
    assert response.status_code == 200
    source.refresh_from_db()
    assert (source.next_check_at < later) is allowed
    if allowed:
        assert "1 source will be checked in a moment." in " ".join(messages_of(response))


@pytest.mark.parametrize(
    ("role", "status"), [("viewer", 403), ("researcher", 403), ("editor", 403), ("superuser", 200)]
)
@pytest.mark.parametrize(
    "page",
    [
        "admin:django_celery_beat_periodictask_changelist",
        "admin:django_celery_beat_periodictask_change",
        "admin:django_celery_beat_intervalschedule_changelist",
        "admin:django_celery_beat_intervalschedule_add",
    ],
)
def test_only_superusers_see_and_change_the_background_schedules(client, users, role, status, page):
    from django_celery_beat.models import PeriodicTask

    dispatch = PeriodicTask.objects.get(task="claims.sources.tasks.sources_dispatch_task")
    assert (dispatch.interval.every, dispatch.interval.period, dispatch.enabled) == (1, "minutes", True)
    assert PeriodicTask.objects.get(task="claims.sources.tasks.flags_sweep_task").interval.every == 10
    args = [dispatch.pk] if page.endswith("_change") else []
    response = login(client, users[role]).get(reverse(page, args=args))
    assert response.status_code == status
    if status == 200 and page.endswith("_change"):
        assert can_save(response)
    # Nor does the admin's index lead an editor there.
    index = login(client, users[role]).get(reverse("admin:index")).content.decode()
    assert ("django_celery_beat" in index) is (role == "superuser")


def test_a_changed_quote_is_not_vouched_for_by_the_old_reason(client, editor):
    claim = ClaimFactory()
    evidence = EvidenceFactory(claim=claim, quote="six millions", quote_status=QuoteStatus.MISSING)
    from claims.services.evidence import evidence_quote_override

    evidence_quote_override(evidence=evidence, reason="Lu dans le rapport papier.", by=editor)
    page = login(client, editor).get(change_url(claim))
    data = form_fields(page.content.decode(), "claim_form")
    assert data["evidence-0-quote_override_reason"] == "Lu dans le rapport papier."

    response = client.post(change_url(claim), data | {"evidence-0-quote": "six milliards"})
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert (evidence.quote, evidence.quote_status, evidence.quote_override_by) == ("six milliards", "unverified", None)


def test_vouching_without_a_quote_is_said_on_the_form_and_keeps_what_was_typed(client, editor):
    claim = ClaimFactory()
    page = login(client, editor).get(change_url(claim))
    data = form_fields(page.content.decode(), "claim_form") | {
        "summary": "Un résumé tapé avec soin.",
        "evidence-0-url": "https://example.org/enquete",
        "evidence-0-stance": Stance.CONTEXT,
        "evidence-0-quote_override_reason": "Confiance.",
    }
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is no quote to vouch for." in page and "Un résumé tapé avec soin." in page
    assert not Evidence.objects.exists()


# --- What an editor reads on a claim's page -----------------------------------------------------------


def evidence_block(client, user, claim) -> str:
    content = login(client, user).get(change_url(claim), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return content[content.index('id="evidence-group"') :]


@pytest.mark.parametrize(
    ("captured", "changed", "shown"),
    [(False, False, "Not captured yet"), (True, False, "Unchanged"), (True, True, "Changed materially")],
)
def test_the_page_since_cited_is_said_in_words(client, editor, captured, changed, shown):
    claim = ClaimFactory()
    evidence = EvidenceFactory(claim=claim, page_changed=changed)
    if captured:
        snapshot = Snapshot.objects.create(
            source=evidence.source, final_url=evidence.source.url, raw_sha256="0" * 64, text_sha256="0" * 64
        )
        Evidence.objects.filter(pk=evidence.pk).update(cited_snapshot=snapshot, snapshot=snapshot)

    block = evidence_block(client, editor, claim)

    assert shown in block
    # Not a boolean's icon, which showed a green tick for a page that changed.
    assert "icon-yes" not in block and "icon-no" not in block


def test_times_on_a_claims_page_are_the_desks_local_time(client, editor):
    with time_machine.travel(datetime(2025, 1, 29, 9, 15, tzinfo=UTC), tick=False):
        claim = ClaimFactory()
        evidence = EvidenceFactory(claim=claim)
        Check.objects.create(source=evidence.source, outcome="ok", http_status=200)
        Source.objects.filter(pk=evidence.source_id).update(last_checked_at=timezone.now())
    source_page = login(client, editor).get(
        reverse("admin:claims_source_change", args=[evidence.source_id]), HTTP_ACCEPT_LANGUAGE="en"
    )

    # 09:15 UTC is 10:15 in Paris, in winter.
    assert "01/29/2025 10:15" in evidence_block(client, editor, claim)
    assert "09:15" not in evidence_block(client, editor, claim)
    recent = source_page.content.decode()
    recent = recent[recent.index("field-recent_checks") :]
    assert "01/29/2025 10:15" in recent and "09:15" not in recent


def test_a_check_asked_for_new_evidence_is_shown_as_asked_then_run(client, editor, http_server):
    url = http_server.route("/a", headers=[("Content-Type", "text/html")], body=b"<p>aucune preuve</p>")
    claim = ClaimFactory()
    with time_machine.travel(datetime(2025, 1, 29, 9, 15, tzinfo=UTC), tick=False):
        evidence = EvidenceFactory(claim=claim, source=SourceFactory(url=url, host="127.0.0.1"))
    assert "check asked 01/29/2025 10:15 a.m., not run yet" in evidence_block(client, editor, claim)

    with time_machine.travel(datetime(2025, 1, 29, 9, 20, tzinfo=UTC), tick=False):
        check_now(evidence.source)
        assert "checked 01/29/2025 10:20 a.m.; next check 01/30/2025" in evidence_block(client, editor, claim)


def test_published_evidence_shows_its_page_address(client, editor, make_claim):
    claim = make_claim(ClaimStatus.PUBLISHED)
    block = evidence_block(client, editor, claim)
    assert claim.evidence.get().source.url in block
    assert "None" not in block


def test_view_site_leads_to_the_published_fact_checks(client, editor):
    content = login(client, editor).get(reverse("admin:index")).content.decode()
    assert '<a href="/factchecks/">' in content


@pytest.mark.parametrize(
    ("status", "public"),
    [(ClaimStatus.DRAFT, False), (ClaimStatus.IN_REVIEW, False), (ClaimStatus.PUBLISHED, True)],
)
def test_a_claims_page_links_to_its_public_page_once_it_has_one_and_always_to_a_preview(
    client, editor, make_claim, status, public
):
    claim = make_claim(status)
    content = login(client, editor).get(change_url(claim), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (f'href="{factcheck_url(claim, base_url="")}"' in content) is public
    assert f'href="{reverse("admin:claims_claim_preview", args=[claim.pk])}"' in content


def test_the_preview_shows_the_claim_as_readers_would_see_it_now(client, users, make_claim):
    claim = make_claim(ClaimStatus.IN_REVIEW)
    url = reverse("admin:claims_claim_preview", args=[claim.pk])

    for role in ("viewer", "researcher", "editor"):
        response = login(client, users[role]).get(url, HTTP_ACCEPT_LANGUAGE="en")
        html = response.content.decode()
        assert response.status_code == 200
        assert "Preview" in html and '<meta name="robots" content="noindex">' in html
        assert claim.text in html and ">False</span>" in html and "aucune preuve" in html
        assert '<script type="application/ld+json">' not in html  # No ClaimReview of its own.
        assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    # The public page itself does not exist yet, and the preview is the desk's only.
    assert client.get(factcheck_url(claim, base_url="")).status_code == 404
    assert login(client, users["outsider"]).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_a_new_claims_page_shows_no_version_counter(client, researcher):
    login(client, researcher).post(
        reverse("admin:claims_claim_add"),
        {
            **form_fields(client.get(reverse("admin:claims_claim_add")).content.decode(), "claim_form"),
            "text": "DeepSeek a copié OpenAI.",
            "claimant": "OpenAI",
            "language": "fr",
            "evidence-0-url": "https://example.org/enquete",
            "evidence-0-stance": "refutes",
        },
    )
    claim = Claim.objects.get(text="DeepSeek a copié OpenAI.")
    content = client.get(change_url(claim), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Version" not in content[: content.index('id="claim_form"')]
