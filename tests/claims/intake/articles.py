"""The pages the intake tests serve: the seed article as a news page, an English report, and what a sentence of
each is."""

from tests.pages import HTML, PARAGRAPHS, article

# The seed article as the newsroom's site would serve it (navigation, a dated article, an aside, a footer).
SEED_PAGE = article(PARAGRAPHS)

# Its main claims, as the issue names them: a piece of each sentence.
MAIN_CLAIMS = {
    "siphoning ChatGPT's knowledge": "siphonné le savoir de ChatGPT",
    "the 6 million dollar cost": "six millions annoncés pour Deepseek",
    "the market losses": "perdre des milliards en bourse",
    "the new Alibaba and ByteDance models": "Alibaba et ByteDance",
}

ENGLISH_PARAGRAPHS = [
    "According to the World Bank, inflation rose to 7.5% in 2023, more than twice the rate of 2021.",
    "Will prices fall next year?",
    "I think the minister is wrong about this.",
    "The minister will announce new measures next month.",
    '"We have cut unemployment by half since we came to power," Prime Minister Jane Doe said on Tuesday.',
    "It was a sunny day in the capital, and the markets were calm.",
]
ENGLISH_PAGE = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>Inflation: the figures</title></head><body>"
    "<article><h1>Inflation: the figures</h1>"
    + "".join(f"<p>{paragraph}</p>" for paragraph in ENGLISH_PARAGRAPHS)
    + "</article></body></html>"
).encode()

__all__ = ["ENGLISH_PAGE", "ENGLISH_PARAGRAPHS", "HTML", "MAIN_CLAIMS", "SEED_PAGE"]
