"""The ranking's rules on sentences a researcher would recognise: what ranks high, what ranks low, and why."""

from claims.intake.ranking import Signal, article_rank
from claims.intake.sentences import guess_language, split
from tests.claims.intake.articles import ENGLISH_PARAGRAPHS, MAIN_CLAIMS
from tests.pages import ARTICLE


def ranked_texts(text: str, language: str) -> list[str]:
    return [ranked.text for ranked in article_rank(text, language)]


def rank_of(texts: list[str], piece: str) -> int:
    return next(i for i, text in enumerate(texts) if piece in text)


def test_the_seed_articles_main_claims_rank_in_its_top_ten():
    texts = ranked_texts(ARTICLE, "fr")
    ranks = {claim: rank_of(texts, piece) for claim, piece in MAIN_CLAIMS.items()}
    assert all(rank < 10 for rank in ranks.values()), ranks


def test_questions_predictions_and_first_person_opinions_rank_below_statements_of_fact():
    text = "\n".join(
        [
            "Le chômage a baissé de 3 % en 2024, selon l'Insee.",
            "Le gouvernement va-t-il augmenter les impôts ?",
            "La croissance va encore ralentir l'an prochain.",
            "Je pense que ce ministre a tort.",
        ]
    )
    ranked = article_rank(text, "fr")
    assert ranked[0].text.startswith("Le chômage a baissé")
    assert ranked[0].score > 0
    low = {ranked.text[:20]: ranked for ranked in ranked[1:]}
    assert all(candidate.score < 0 for candidate in low.values()), low
    assert Signal.QUESTION in low["Le gouvernement va-t"].signals
    assert Signal.PREDICTION in low["La croissance va enc"].signals
    assert Signal.OPINION in low["Je pense que ce mini"].signals


def test_english_sentences_are_ranked_by_the_same_kinds_of_reasons():
    ranked = article_rank("\n".join(ENGLISH_PARAGRAPHS), "en")
    by_start = {candidate.text[:12]: candidate for candidate in ranked}
    top_two = {candidate.text[:12] for candidate in ranked[:2]}
    assert top_two == {"According to", '"We have cut'}
    world_bank = by_start["According to"]
    assert {Signal.FIGURES, Signal.COMPARISON, Signal.ATTRIBUTION} <= set(world_bank.signals)
    assert world_bank.claimant == "the World Bank"
    assert by_start['"We have cut'].claimant == "Prime Minister Jane Doe"
    assert Signal.QUOTED_SPEECH in by_start['"We have cut'].signals
    assert ranked[-1].text == "Will prices fall next year?"
    assert by_start["I think the "].score < 0
    assert by_start["The minister"].score < by_start["It was a sun"].score


def test_the_claimant_is_who_the_attribution_names():
    ranked = {candidate.position: candidate for candidate in article_rank(ARTICLE, "fr")}
    siphoning = next(c for c in ranked.values() if "siphonné" in c.text)
    assert siphoning.claimant == "les Américains"
    recognises = next(c for c in ranked.values() if c.text.startswith("Deepseek reconnaît"))
    assert recognises.claimant == "Deepseek"
    selon = article_rank("Le chômage a baissé de 3 % en 2024, selon l'Institut national de la statistique.", "fr")
    assert selon[0].claimant == "l'Institut national de la statistique"


def test_a_sentence_that_names_no_one_has_no_claimant():
    (ranked,) = article_rank("Surtout quand il vous fait perdre des milliards en bourse.", "fr")
    assert ranked.claimant == ""
    assert ranked.signals == (Signal.FIGURES,)


def test_a_heading_ranks_low_and_says_why():
    ranked = article_rank("La course à l’IA continue\nLe budget a augmenté de 12 % cette année.", "fr")
    assert ranked[-1].text == "La course à l’IA continue"
    assert Signal.HEADING in ranked[-1].signals


def test_sentences_keep_the_articles_typography_and_a_start_up_stays_one_sentence():
    sentences = split(ARTICLE, "fr")
    assert any(sentence.startswith("La start-up chinoise qui a créé Deepseek") for sentence in sentences)
    assert "Aujourd’hui, l’heure est à la contre-attaque." in sentences


def test_the_language_of_an_article_is_guessed_from_its_words():
    assert guess_language(ARTICLE) == "fr"
    assert guess_language("\n".join(ENGLISH_PARAGRAPHS)) == "en"
