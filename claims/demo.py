"""Demo claims from the seed article (accusations against DeepSeek, January 2025), walked through the real workflow."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, User
from django.db import transaction

from claims.models import Claim, ClaimStatus, Rating, Stance
from claims.rules import EDITOR, RESEARCHER
from claims.services.claims import claim_create, claim_update
from claims.services.evidence import evidence_add, evidence_quote_override
from claims.services.workflow import claim_transition

DEMO_ACCOUNTS = {"editor": (EDITOR, "editor-demo-2025"), "researcher": (RESEARCHER, "researcher-demo-2025")}

S = ClaimStatus


@dataclass(frozen=True)
class DemoEvidence:
    url: str
    stance: Stance
    quote: str = ""
    note: str = ""


@dataclass(frozen=True)
class DemoClaim:
    text: str
    claimant: str
    claim_date: datetime.date
    status: ClaimStatus
    appearance_url: str = ""
    rating: str | None = None
    summary: str = ""
    tags: tuple[str, ...] = ("deepseek", "ia")
    evidence: tuple[DemoEvidence, ...] = field(default=())
    comment: str = ""


JAN_28, JAN_29 = datetime.date(2025, 1, 28), datetime.date(2025, 1, 29)
BLOOMBERG = "https://www.bloomberg.com/news/articles/2025-01-29/microsoft-probing-if-deepseek-linked-group-improperly-obtained-openai-data"
WIKIPEDIA_DEEPSEEK = "https://en.wikipedia.org/wiki/DeepSeek"

DEMO_CLAIMS: tuple[DemoClaim, ...] = (
    DemoClaim(
        text="DeepSeek a siphonné le savoir de ChatGPT pour entraîner son modèle.",
        claimant="OpenAI",
        claim_date=JAN_29,
        appearance_url=BLOOMBERG,
        status=S.IN_REVIEW,
        rating="unproven",
        summary="OpenAI affirme avoir des indices, mais aucune preuve n'a été présentée publiquement.",
        evidence=(
            DemoEvidence(
                BLOOMBERG, Stance.CONTEXT, note="Microsoft enquête sur un possible accès abusif aux données d'OpenAI."
            ),
        ),
    ),
    DemoClaim(
        text="Il existe des preuves substantielles que DeepSeek a distillé le savoir des modèles d'OpenAI.",
        claimant="David Sacks, référent IA de Donald Trump",
        claim_date=JAN_28,
        status=S.RESEARCHING,
        rating="unproven",
        evidence=(DemoEvidence("https://en.wikipedia.org/wiki/David_O._Sacks", Stance.CONTEXT),),
    ),
    DemoClaim(
        text="Le modèle de DeepSeek n'a coûté que six millions de dollars.",
        claimant="DeepSeek",
        claim_date=datetime.date(2024, 12, 27),
        appearance_url="https://arxiv.org/abs/2412.19437",
        status=S.PUBLISHED,
        rating="misleading",
        summary=(
            "Le chiffre ne couvre que l'entraînement final de DeepSeek-V3 (2,788 millions d'heures GPU H800). "
            "Il exclut la recherche, les essais préalables et le matériel."
        ),
        evidence=(
            DemoEvidence(
                "https://arxiv.org/abs/2412.19437",
                Stance.REFUTES,
                quote="DeepSeek-V3 requires only 2.788M H800 GPU hours for its full training.",
                note="Le rapport technique chiffre des heures GPU de l'entraînement final, pas le coût total.",
            ),
        ),
    ),
    DemoClaim(
        text="DeepSeek est entièrement ouvert : tout est publié en code source libre.",
        claimant="Partisans de DeepSeek sur les réseaux sociaux",
        claim_date=JAN_28,
        status=S.IN_REVIEW,
        rating="mixed",
        summary="Les poids des modèles sont publiés sous licence MIT, mais pas les données d'entraînement.",
        evidence=(
            DemoEvidence(
                "https://arxiv.org/abs/2501.12948",
                Stance.SUPPORTS,
                quote="To support the research community, we open-source DeepSeek-R1-Zero, DeepSeek-R1",
            ),
            DemoEvidence(
                "https://github.com/deepseek-ai/DeepSeek-R1",
                Stance.CONTEXT,
                note="Dépôt : poids et licence, pas de données.",
            ),
        ),
    ),
    DemoClaim(
        text="La distillation n'a jamais permis de développer un modèle plus performant que celui dont il s'inspire.",
        claimant="Chronique tech, radio publique française",
        claim_date=JAN_29,
        status=S.DRAFT,
    ),
    DemoClaim(
        text="DeepSeek a fait perdre des centaines de milliards de dollars en bourse à Nvidia en une journée.",
        claimant="Commentateurs financiers",
        claim_date=datetime.date(2025, 1, 27),
        status=S.PUBLISHED,
        rating="true",
        summary="Le 27 janvier 2025, Nvidia a perdu près de 600 milliards de dollars de capitalisation.",
        evidence=(
            DemoEvidence(WIKIPEDIA_DEEPSEEK, Stance.SUPPORTS, note="Section sur l'impact boursier de janvier 2025."),
        ),
    ),
    DemoClaim(
        text="Alibaba et ByteDance viennent de lancer de nouveaux modèles d'IA plus performants.",
        claimant="Alibaba Cloud",
        claim_date=JAN_29,
        appearance_url="https://qwenlm.github.io/blog/qwen2.5-max/",
        status=S.RESEARCHING,
        rating="mostly-true",
        evidence=(DemoEvidence("https://qwenlm.github.io/blog/qwen2.5-max/", Stance.SUPPORTS),),
    ),
    DemoClaim(
        text="Une enquête est en cours sur l'utilisation des données d'OpenAI par DeepSeek.",
        claimant="Microsoft",
        claim_date=JAN_29,
        status=S.DRAFT,
        appearance_url=BLOOMBERG,
    ),
    DemoClaim(
        text="C'est de bonne guerre de dénigrer un concurrent qui vous fait perdre des milliards en bourse.",
        claimant="Chronique tech, radio publique française",
        claim_date=JAN_29,
        status=S.REJECTED,
        comment="Une opinion, pas une affirmation vérifiable.",
    ),
)

# The path each demo claim takes through the workflow, and who takes each step.
PATHS = {
    S.DRAFT: [],
    S.RESEARCHING: [(S.RESEARCHING, "researcher")],
    S.IN_REVIEW: [(S.RESEARCHING, "researcher"), (S.IN_REVIEW, "researcher")],
    S.PUBLISHED: [(S.RESEARCHING, "researcher"), (S.IN_REVIEW, "researcher"), (S.PUBLISHED, "editor")],
    S.REJECTED: [(S.REJECTED, "editor")],
}


def demo_accounts_ensure() -> dict[str, User]:
    """The demo's editor and researcher; existing accounts are left as they are."""
    users = {}
    for username, (role, password) in DEMO_ACCOUNTS.items():
        # An address, so that `make run` shows the alerts' mail on the worker's console (var/log/worker.log).
        email = f"{username}@newsroom.example"
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True, "email": email})
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
        users[username] = user
    return users


@transaction.atomic
def demo_load() -> int:
    """Load the demo claims that are not there yet; returns how many were created."""
    users = demo_accounts_ensure()
    created = 0
    for demo in DEMO_CLAIMS:
        if Claim.objects.filter(text=demo.text).exists():
            continue
        claim = claim_create(
            by=users["researcher"],
            text=demo.text,
            claimant=demo.claimant,
            claim_date=demo.claim_date,
            appearance_url=demo.appearance_url,
            language="fr",
            tags=demo.tags,
        )
        if demo.rating or demo.summary:
            rating = Rating.objects.get(slug=demo.rating) if demo.rating else None
            claim = claim_update(
                claim=claim, by=users["researcher"], changes={"rating": rating, "summary": demo.summary}
            )
        for item in demo.evidence:
            evidence = evidence_add(
                claim=claim, url=item.url, stance=item.stance, quote=item.quote, note=item.note, by=users["researcher"]
            )
            if item.quote and demo.status == S.PUBLISHED:
                evidence_quote_override(
                    evidence=evidence, reason="Passage relu sur la page par l'équipe (démo).", by=users["editor"]
                )
        for to, who in PATHS[demo.status]:
            claim = claim_transition(claim=claim, to=to, by=users[who], comment=demo.comment)
        created += 1
    return created
