"""Mail through a real SMTP server on 127.0.0.1: who gets what, when, and in which language."""

import email
from email.message import Message

import pytest
from django.utils import timezone

from claims.alerts import mail, planning
from claims.alerts.models import AlertSettings, MailChoice, Notice
from claims.models import ClaimStatus
from tests.claims.alerts.flagged import quote_lost_on_published_claim
from tests.factories import UserFactory, claim_at

pytestmark = pytest.mark.django_db

S = ClaimStatus


def parts(raw: bytes) -> tuple[Message, str, str]:
    message = email.message_from_bytes(raw)
    text = html = ""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_payload(decode=True).decode()
        elif part.get_content_type() == "text/html":
            html = part.get_payload(decode=True).decode()
    return message, text, html


def subject(message: Message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def test_a_published_fact_check_flagged_mails_its_assignee_and_publisher_at_once_each_in_their_language(smtp):
    _, mailbox = smtp
    journaliste = UserFactory(username="journaliste", role="researcher")
    AlertSettings.objects.create(user=journaliste, language="fr")
    claim = quote_lost_on_published_claim(assignee=journaliste)

    plan = planning.events_plan()
    assert len(plan.immediate_notices) == 2
    for notice_id in plan.immediate_notices:
        assert mail.notice_send(notice_id) is None

    by_recipient = {recipients[0]: parts(raw) for recipients, raw in mailbox.messages}
    assert set(by_recipient) == {"journaliste@newsroom.example", "colleague-editor@newsroom.example"}
    message, text, html = by_recipient["journaliste@newsroom.example"]
    assert subject(message).startswith("Signalement")
    assert "Un passage cité n’est plus sur sa page." in text
    assert claim.text in text and claim.evidence.get().source.url in text
    # What changed around the quote: the removed passage and what replaced it.
    assert "[-Il n'existe aucune preuve publique de ce chiffre" in text
    assert "{+Des documents ont depuis été publiés" in text
    assert f"/admin/claims/claim/{claim.pk}/change/" in text
    assert f"/factchecks/{claim.pk}-" in text
    assert "<del" in html and "aucune preuve publique" in html and 'lang="fr"' in html

    message, text, _ = by_recipient["colleague-editor@newsroom.example"]
    assert subject(message).startswith("Flagged")
    assert "A quoted passage is no longer on its page." in text
    # The publication itself waits for the digest.
    assert set(Notice.objects.filter(sent_at__isnull=True).values_list("event__type", flat=True)) == {"claim.published"}


def test_everything_else_goes_into_one_daily_digest_per_person(smtp):
    _, mailbox = smtp
    researcher = UserFactory(username="enqueteuse", role="researcher")
    first = claim_at(S.IN_REVIEW, assignee=researcher)
    second = claim_at(S.PUBLISHED, assignee=researcher)

    plan = planning.events_plan()
    # An unflagged publication is no emergency.
    assert plan.immediate_notices == []
    assert mailbox.messages == []

    assert mail.digests_send() == 2  # the researcher, and the editor who published the second
    messages = {recipients[0]: parts(raw) for recipients, raw in mailbox.messages}
    _, text, html = messages["enqueteuse@newsroom.example"]
    assert "Fact-check published" in text and second.text[:60] in text
    assert first.text[:60] not in text  # nothing happened to it that anyone is told of
    assert "<ul>" in html
    # Sent once: the next digest has nothing to say.
    assert mail.digests_send() == 0


def test_a_member_who_chose_the_digest_gets_even_urgent_flags_there(smtp):
    _, mailbox = smtp
    researcher = UserFactory(username="digeste", role="researcher")
    AlertSettings.objects.create(user=researcher, mail=MailChoice.DIGEST)
    quote_lost_on_published_claim(assignee=researcher)

    plan = planning.events_plan()
    immediate = set(Notice.objects.filter(pk__in=plan.immediate_notices).values_list("user__username", flat=True))
    assert immediate == {"colleague-editor"}
    assert Notice.objects.filter(user=researcher, immediate=False).count() == 2  # published, then flagged


def test_a_member_who_chose_no_mail_gets_none(smtp):
    researcher = UserFactory(username="silence", role="researcher")
    AlertSettings.objects.create(user=researcher, mail=MailChoice.NONE)
    quote_lost_on_published_claim(assignee=researcher)
    planning.events_plan()
    assert not Notice.objects.filter(user=researcher).exists()


def test_a_mail_server_that_refuses_keeps_the_notice_for_later(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    quote_lost_on_published_claim()
    (notice_id,) = planning.events_plan().immediate_notices

    retry_in = mail.notice_send(notice_id)

    notice = Notice.objects.get(pk=notice_id)
    assert retry_in is not None and notice.sent_at is None and notice.next_attempt_at > timezone.now()
    assert notice.attempts == 1 and notice.leased_until is None


def test_the_editor_who_added_an_endpoint_hears_it_was_turned_off(smtp, editor):
    from claims.alerts import webhooks
    from claims.alerts.models import DisabledBecause

    _, mailbox = smtp
    endpoint = webhooks.endpoint_create(url="http://127.0.0.1/x", events=["flag.raised"], description="", by=editor)
    webhooks.endpoint_disable(endpoint=endpoint, because=DisabledBecause.GONE)
    mail.endpoint_disabled_mail(endpoint.pk)

    ((recipients, raw),) = mailbox.messages
    message, text, _ = parts(raw)
    assert recipients == ["editor@newsroom.example"]
    assert "http://127.0.0.1/x" in text and "410" in text


def test_the_digest_reads_in_the_members_language_and_the_desks_time(smtp, settings):
    _, mailbox = smtp
    researcher = UserFactory(username="lectrice", role="researcher")
    AlertSettings.objects.create(user=researcher, language="fr")
    claim_at(S.PUBLISHED, assignee=researcher)
    planning.events_plan()
    event_at = Notice.objects.get(user=researcher).event.occurred_at

    mail.digests_send()

    messages = {recipients[0]: parts(raw) for recipients, raw in mailbox.messages}
    message, text, _ = messages["lectrice@newsroom.example"]
    assert subject(message).startswith("La cellule de vérification aujourd’hui")
    assert "Vérification publiée" in text
    # The event's time in the desk's time zone (Paris), as the desk reads it.
    paris = timezone.localtime(event_at, timezone.get_default_timezone())
    assert paris.strftime("%H:%M") in text


def test_no_notice_for_a_member_the_desk_cannot_write_to(smtp):
    no_address = UserFactory(username="sans-adresse", role="researcher", email="")
    closed = UserFactory(username="parti", role="researcher")
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    quote_lost_on_published_claim(assignee=no_address)
    quote_lost_on_published_claim(assignee=closed)

    planning.events_plan()

    assert not Notice.objects.filter(user__in=[no_address, closed]).exists()


def test_a_member_who_turned_mail_off_since_gets_nothing_more(smtp):
    _, mailbox = smtp
    researcher = UserFactory(username="change-d-avis", role="researcher")
    quote_lost_on_published_claim(assignee=researcher)
    plan = planning.events_plan()
    AlertSettings.objects.create(user=researcher, mail=MailChoice.NONE)

    for notice_id in plan.immediate_notices:
        mail.notice_send(notice_id)
    mail.digests_send()

    assert all(recipients != ["change-d-avis@newsroom.example"] for recipients, _ in mailbox.messages)
    assert not Notice.objects.filter(user=researcher).exists()


def test_the_excerpt_finds_the_quote_as_the_watch_does():
    # The page writes a typographic apostrophe and a capital; the quote was typed plainly.
    before = (
        "Selon nos sources, le laboratoire a dépensé bien davantage. Il n’existe aucune preuve publique de ce "
        "chiffre à ce jour. OpenAI n’a pas publié ses éléments."
    )
    after = (
        "Selon nos sources, le laboratoire a dépensé bien davantage. Des documents ont depuis été publiés. "
        "OpenAI n’a pas publié ses éléments."
    )
    excerpt = mail.excerpt_around("il n'existe aucune preuve", before=before, after=after)
    assert excerpt is not None and excerpt.found_now
    removed = "".join(text for kind, text in excerpt.runs if kind == "removed")
    assert "n’existe aucune preuve" in removed
