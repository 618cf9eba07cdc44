"""Other outlets' fact-checks in the admin: the list, and the ClaimReview upload for those who may import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.matching import admin as matching_admin
from claims.matching.claimreview_import import external_factchecks_import
from claims.matching.models import ExternalFactCheck

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "data" / "claimreview"
LIST = "/admin/matching/externalfactcheck/"
UPLOAD = f"{LIST}import/"


def upload(client, data: bytes, name: str = "feed.jsonld", **headers):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)}, follow=True, **headers)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("role", ["researcher", "editor"])
def test_a_researcher_or_an_editor_imports_a_file_from_the_list(role, users, client):
    client.force_login(users[role])
    page = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<a href="{UPLOAD}">Import ClaimReview JSON-LD</a>' in page
    assert 'enctype="multipart/form-data"' in client.get(UPLOAD).content.decode()

    response = upload(client, (DATA / "datafeed.jsonld").read_bytes(), HTTP_ACCEPT_LANGUAGE="en")

    assert response.redirect_chain[-1][0] == LIST
    assert messages_of(response) == ["feed.jsonld: created: 5, updated: 0, unchanged: 0, skipped: 0."]
    assert ExternalFactCheck.objects.count() == 5
    assert set(ExternalFactCheck.objects.values_list("imported_by", flat=True)) == {users[role].pk}
    listed = response.content.decode()
    assert "Factuel Hebdo" in listed and "Trompeur" in listed


def test_the_skipped_items_are_said_one_by_one_after_the_summary(researcher, client):
    client.force_login(researcher)
    good = {"@type": "ClaimReview", "url": "https://ok.example.com/1", "claimReviewed": "Un fait.", "author": "Ok"}
    document = [good, {"@type": "ClaimReview", "url": "javascript:alert(1)", "claimReviewed": "Non."}]

    response = upload(client, json.dumps(document).encode(), HTTP_ACCEPT_LANGUAGE="en")

    assert messages_of(response) == [
        "feed.jsonld: created: 1, updated: 0, unchanged: 0, skipped: 1.",
        "Skipped [1]: its address javascript:alert(1) is not an http or https address.",
    ]


def test_a_file_with_nothing_importable_is_an_error_with_its_reasons(researcher, client):
    client.force_login(researcher)
    items = [{"@type": "ClaimReview", "claimReviewed": f"Sans adresse {n}."} for n in range(25)]

    response = upload(client, json.dumps(items).encode(), HTTP_ACCEPT_LANGUAGE="en")

    said = list(response.context["messages"])
    assert said[0].level_tag == "error"
    assert len(said) == 1 + 20 + 1
    assert str(said[-1]) == "And 5 more items were skipped."
    assert not ExternalFactCheck.objects.exists()


def test_a_file_that_is_not_json_is_refused_on_the_form(researcher, client):
    client.force_login(researcher)

    response = upload(client, b"<html>not json</html>", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200 and response.redirect_chain == []
    assert "The file is not JSON" in response.content.decode()
    assert not ExternalFactCheck.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(researcher, client, monkeypatch):
    monkeypatch.setattr(matching_admin, "MAX_UPLOAD_BYTES", 1024)
    client.force_login(researcher)

    response = upload(client, (DATA / "datafeed.jsonld").read_bytes(), HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert "the desk imports files of up to 1.0\xa0KB" in page
    assert not ExternalFactCheck.objects.exists()


def test_an_empty_upload_is_refused_on_the_form(researcher, client):
    client.force_login(researcher)

    response = upload(client, b"", HTTP_ACCEPT_LANGUAGE="en")

    assert "The submitted file is empty." in response.content.decode()


@pytest.mark.parametrize("role", ["viewer", "outsider"])
def test_a_reader_may_not_import(role, users, client):
    client.force_login(users[role])

    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"file": SimpleUploadedFile("f.jsonld", b"[]")}).status_code == 403
    assert not ExternalFactCheck.objects.exists()


def test_a_viewer_reads_the_list_without_the_import_button(viewer, researcher, client):
    external_factchecks_import(data=(DATA / "single.jsonld").read_bytes(), by=researcher)
    client.force_login(viewer)

    page = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Les Vérificateurs" in page
    assert UPLOAD not in page


def test_the_list_searches_and_filters_by_publisher_and_language(researcher, client):
    external_factchecks_import(data=(DATA / "datafeed.jsonld").read_bytes(), by=researcher)
    client.force_login(researcher)

    searched = client.get(LIST, {"q": "Nvidia"}).content.decode()
    by_publisher = client.get(LIST, {"publisher": "Truth Desk"}).content.decode()
    in_english = client.get(LIST, {"language": "en"}).content.decode()

    assert "puces Nvidia" in searched and "six millions" not in searched
    # The claims listed (the filters' sidebar names every publisher and language).
    assert "trained its model" in by_publisher and "copié ses modèles" not in by_publisher
    assert "600 billion" in in_english and "trained its model" in in_english and "six millions" not in in_english


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(UPLOAD)

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
