"""The rules that tell two close texts apart: what a reader would call another claim, and what is the same one."""

import pytest

from claims.matching.statements import Difference, statement_read, statements_differ


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("DeepSeek a coûté 6 millions de dollars.", {(6e6, "")}),
        ("DeepSeek cost six million dollars.", {(6e6, "")}),
        ("La dette a dépassé les 3 000 milliards d'euros.", {(3e12, "")}),
        ("The debt passed 3,000 billion euros.", {(3e12, "")}),
        ("Le chômage est tombé à 7,3 % fin 2024.", {(7.3, "%"), (2024, "")}),
        ("Unemployment fell to 7.3% at the end of 2024.", {(7.3, "%"), (2024, "")}),
        ("Un agriculteur sur cinq vit sous le seuil de pauvreté.", {(20.0, "%")}),
        ("OpenAI trained GPT-4 in a new data centre.", set()),
    ],
)
def test_figures_are_read_with_their_scale_in_french_and_english(text: str, figures: set[tuple[float, str]]) -> None:
    assert statement_read(text).figures == figures


@pytest.mark.parametrize(
    ("first", "second", "difference"),
    [
        ("DeepSeek cost 6 million dollars to build.", "DeepSeek cost 6 billion dollars to build.", Difference.FIGURES),
        ("Le SMIC a augmenté de 2 % en 2024.", "Le SMIC a augmenté de 3 % en 2024.", Difference.FIGURES),
        ("Le vaccin provoque l'autisme.", "Le vaccin ne provoque pas l'autisme.", Difference.NEGATION),
        (
            "Nvidia lost 600 billion dollars in a day.",
            "Nvidia gained 600 billion dollars in a day.",
            Difference.DIRECTION,
        ),
        ("ChatGPT has 300 million weekly users.", "ChatGPT has 300 million daily users.", Difference.PERIOD),
        (
            "Selon Reuters, Tencent a lancé un modèle plus performant que DeepSeek.",
            "Selon Reuters, le chinois Alibaba a publié un nouveau modèle, plus performant que DeepSeek.",
            Difference.NAMES,
        ),
        (
            "Six millions de Français n'ont pas de dentiste.",
            "Six millions de Français n'ont pas de médecin.",
            Difference.SWAP,
        ),
    ],
)
def test_another_statement_is_told_apart(first: str, second: str, difference: Difference) -> None:
    assert statements_differ(first, second, same_language=True) == difference
    assert statements_differ(second, first, same_language=True) == difference


@pytest.mark.parametrize(
    ("first", "second", "same_language"),
    [
        (
            "Le développement de DeepSeek n'a coûté que 6 millions de dollars.",
            "DeepSeek cost only 6 million dollars.",
            False,
        ),
        (
            "Six millions de Français n'ont pas de médecin traitant.",
            "Six million French people have no regular doctor.",
            False,
        ),
        (
            "The Paris 2024 Olympic Games cost nearly 9 billion euros.",
            "Les JO de Paris 2024 ont coûté près de 9 milliards d'euros.",
            False,
        ),
        ("The EU AI Act bans facial recognition.", "The European Union's AI Act bans facial recognition.", True),
        (
            "Congress passed a law that could ban TikTok unless ByteDance sells it.",
            "Congress adopted a law that may ban TikTok if ByteDance does not sell it.",
            True,
        ),
        ("Le chômage a baissé de 2 % en 2024.", "Le chômage a reculé de 2 % en 2024, selon l'Insee.", True),
    ],
)
def test_the_same_statement_in_other_words_is_not_told_apart(first: str, second: str, same_language: bool) -> None:
    assert statements_differ(first, second, same_language=same_language) is None
