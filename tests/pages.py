"""What the tests' HTTP servers serve: the HTML headers, short pages with or without the quote, and news articles
made of the seed article."""

from harness import SEED_ARTICLE

HTML = [("Content-Type", "text/html; charset=utf-8")]

# The quote most tests cite, as a researcher would type it, and pages that hold it or no longer do.
QUOTE = "aucune preuve n'a été présentée"
WITH_QUOTE = (
    "<html><head><title>Enquête</title></head>"
    "<body><p>Pour l’instant, aucune preuve n’a été présentée.</p></body></html>"
).encode()
WITHOUT_QUOTE = "<html><body><p>Le rapport complet sera publié demain.</p></body></html>".encode()

# The seed article: the kind of page the newsroom cites, one paragraph a line.
ARTICLE = SEED_ARTICLE.read_text(encoding="utf-8")
PARAGRAPHS = [paragraph for paragraph in ARTICLE.split("\n") if paragraph.strip()]


def article(paragraphs: list[str], *, stamp: str = "Mis à jour le 29 janvier 2025 à 10h12", extra: str = "") -> bytes:
    """A news page around these paragraphs: navigation, a dated article, an aside (`extra`) and a footer."""
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        "<!doctype html><html lang=fr><head><meta charset=utf-8><title>DeepSeek accusé de piraterie</title></head>"
        "<body><nav>Accueil · Tech · Monde</nav>"
        f"<article><h1>DeepSeek accusé de piraterie</h1><p class=date>{stamp}</p>"
        f"{body}</article><aside>{extra}</aside><footer>© Radio 2025</footer></body></html>"
    ).encode()
