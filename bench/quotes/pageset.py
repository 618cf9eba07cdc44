"""The page set: news, blogs, ministries, statistics offices and courts in French, German and English, built as CMSs
build them, each knowing which passages it shows and which it holds out of sight.

Deterministic: the same seed gives the same bytes (the report prints the set's digest). `python -m
bench.quotes.pageset DIR` writes the pages into DIR to look at them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from bench.quotes.markup import (
    ENTITY_STYLES,
    NARROW_NBSP,
    NBSP,
    SERVING_CYCLE,
    SERVINGS,
    Serving,
    attribute,
    escape,
    french_spacing,
    german_guillemets,
    rich,
    soft_hyphens,
    straight_marks,
)
from bench.quotes.texts import LANGUAGES, Texts
from claims.sources.pagetext import normalize

SEED = 20250129
PAGES_PER_LANGUAGE = 60
# Of every 15 pages of a language: news, blogs, then the institutions.
KIND_CYCLE = ("news",) * 6 + ("blog",) * 3 + ("ministry",) * 2 + ("statistics",) * 2 + ("court",) * 2
# The pages of each language built as large as real ones get: a news story with hundreds of comments and a large
# script state, a statistics table of thousands of rows (past the desk's budget for extracting the main text), and a
# long judgment.
HEAVY = (17, 26, 28)
# What the heavy news pages and judgments write unbalanced, as real ones do: a comment template that leaves a <div>
# open per comment, and an old editor's <font> opened before each paragraph and never closed.
UNBALANCED = {"news": "comment template missing </div>", "court": "unclosed <font> per paragraph"}

# Where on a page each kind puts the passages people quote.
PLACEMENTS = {
    "news": (
        "paragraph",
        "inline markup",
        "lead",
        "drop cap",
        "blockquote",
        "figure caption",
        "comment",
        "source line breaks",
        "soft hyphens",
        "<wbr> in long words",
    ),
    "blog": ("paragraph", "inline markup", "list item", "comment"),
    "ministry": ("paragraph", "list item", "inline markup", "source line breaks", "table cell", "FAQ <details>"),
    "statistics": ("table caption", "table note", "paragraph", "list item", "definition", "figure caption"),
    "court": (
        "paragraph",
        "soft hyphens",
        "<br> line breaks",
        "inline markup",
        "numbered list",
        "source line breaks",
        "<wbr> in long words",
    ),
}
# Ways a page holds text that readers do not see; the passages there must be reported missing.
UNSEEN = (
    "display:none",
    "hidden attribute",
    "visibility:hidden",
    "<template>",
    "HTML comment",
    "JSON-LD",
    "script state",
    "<meta> description",
    "hidden by a stylesheet class",
)
_SCRIPTED = {"JSON-LD", "script state", "<meta> description"}
# Hidden by a rule of the page's stylesheet, not by the element itself: the desk does not read stylesheets and does
# not promise to, so this one is reported apart, for information.
STYLESHEET_HIDDEN = "hidden by a stylesheet class"


@dataclass(frozen=True)
class Passage:
    """A passage as the page prints it (typographic marks, non-breaking spaces, soft hyphens), and where."""

    text: str
    placement: str
    page: str


@dataclass(frozen=True)
class Negative:
    """A passage that must be reported missing from the page: out of sight on it, or from another page."""

    text: str
    why: str  # one of UNSEEN, or "another page"
    source_page: str = ""

    @property
    def extended(self) -> bool:
        """Beyond what the desk promises to tell apart (reported for information, not in the false-found target)."""
        return self.why == STYLESHEET_HIDDEN


@dataclass
class Page:
    id: str
    language: str
    kind: str
    site: str
    cms: str
    marks: str  # how the site prints quotes and apostrophes
    serving: Serving
    path: str = ""
    body: bytes = b""
    passages: list[Passage] = field(default_factory=list)
    negatives: list[Negative] = field(default_factory=list)
    seen: str = ""  # all the text a reader sees, as the generator wrote it: the truth the checks below hold to
    # The same, piece by piece (a paragraph's sentences, a link's label...): what share of it the desk reads.
    pieces: list[str] = field(default_factory=list)
    heavy: bool = False
    # Markup a browser reads through but that is not balanced: what old editors and buggy templates write.
    unbalanced: str = ""

    @property
    def content_type(self) -> str:
        return self.serving.content_type

    @property
    def tags(self) -> int:
        return self.body.count(b"<")


class Html:
    """A page being written: its markup, and the text a reader will see, kept apart as the truth."""

    def __init__(self, page: Page, texts: Texts, rng: random.Random, entities: str) -> None:
        self.page, self.texts, self.rng, self.entities = page, texts, rng, entities
        self.xhtml = page.serving.xhtml
        self.parts: list[str] = []
        self.seen: list[str] = []

    def raw(self, markup: str) -> None:
        self.parts.append(markup)

    def void(self, tag: str, attrs: str = "") -> str:
        return f"<{tag}{attrs} />"

    def flag(self, name: str) -> str:
        """A boolean attribute, as XHTML needs it written."""
        return f' {name}="{name}"' if self.xhtml else f" {name}"

    def text(self, text: str, **options: bool) -> str:
        """Visible text as HTML; remembered as seen."""
        self.seen.append(text)
        markup = rich(text, style=self.entities, rng=self.rng, lang=self.page.language, **options)
        if self.page.language == "fr":
            # French CMSs raise the ordinal's letters: 1<sup>er</sup>, read "1er".
            markup = re.sub(r"(?<!\w)1er(?!\w)", "1<sup>er</sup>", markup)
        return markup

    def element(self, tag: str, text: str, attrs: str = "", **options: bool) -> None:
        self.parts.append(f"<{tag}{attrs}>{self.text(text, **options)}</{tag}>")

    def script(self, body: str, attrs: str = "") -> None:
        if self.xhtml and ("<" in body or "&" in body):
            body = f"//<![CDATA[\n{body}\n//]]>"
        self.parts.append(f"<script{attrs}>{body}</script>")

    def html(self) -> str:
        return "".join(self.parts)


# --- Text ---------------------------------------------------------------------------------------------------


class Writer:
    """Fills a language's templates from the seeded generator and prints them in a site's typography."""

    def __init__(self, texts: Texts, rng: random.Random, page: Page) -> None:
        self.texts, self.rng, self.page = texts, rng, page

    def number(self, low: float, high: float, decimals: int = 1) -> str:
        return f"{self.rng.uniform(low, high):.{decimals}f}".replace(".", self.texts.decimal)

    def big(self) -> str:
        return f"{self.rng.randint(1_200, 480_000):,}".replace(",", self.texts.thousands)

    def fill(self, template: str) -> str:
        t, rng = self.texts, self.rng
        year = rng.randint(2017, 2025)
        values = {
            "person": rng.choice(t.persons),
            "role": rng.choice(t.roles),
            "org": rng.choice(t.orgs),
            "city": rng.choice(t.cities),
            "weekday": rng.choice(t.weekdays),
            "day": str(rng.randint(2, 28)),
            "month": rng.choice(t.months),
            "quarter": rng.choice(t.quarters),
            "year": str(year),
            "year2": str(year + rng.randint(1, 4)),
            "n": str(rng.randint(3, 97)),
            "big": self.big(),
            "amount": self.number(1.2, 48.0),
            "pct": self.number(0.2, 12.0),
            "pct2": self.number(0.2, 12.0),
            "case": self.case_number(),
            "site": self.page.site,
        }
        return self.print(template.format_map(values))

    def case_number(self) -> str:
        rng = self.rng
        if self.texts.language == "fr":
            return f"{rng.randint(440_000, 499_999)}"
        if self.texts.language == "de":
            return f"{rng.randint(1, 2)} BvR {rng.randint(100, 2999)}/{rng.randint(18, 25)}"
        return f"UKSC {rng.randint(2018, 2025)}/{rng.randint(1, 250):04d}"

    def print(self, text: str) -> str:
        """The text in the site's typography: French spaces, smart or straight marks, German guillemets."""
        marks = self.page.marks
        if self.texts.language == "fr":
            space = {"nbsp": NBSP, "narrow": NARROW_NBSP}.get(marks.split("/")[-1], " ")
            text = french_spacing(text, space)
            if NBSP not in space:
                text = text.replace(NBSP, space)  # thousands too
        if marks.startswith("straight apostrophes"):
            text = straight_marks(text, apostrophes_only=True)
        elif marks.startswith("straight"):
            text = straight_marks(text)
        elif marks == "guillemets":
            text = german_guillemets(text)
        return text

    def filler(self, kind: str, sentences: int) -> str:
        return " ".join(self.fill(self.rng.choice(self.texts.filler[kind])) for _ in range(sentences))


MARKS = {
    "fr": (
        "typographic/nbsp",
        "typographic/narrow",
        "typographic/space",
        "straight apostrophes/nbsp",
        "straight/space",
    ),
    "de": ("typographic", "typographic", "guillemets", "straight"),
    "en": ("typographic", "typographic", "straight"),
}


# --- Pages --------------------------------------------------------------------------------------------------


def build(seed: int = SEED) -> list[Page]:
    """The whole set, in a stable order; every page checked against what it should show and hide."""
    pages: list[Page] = []
    placement_turn: dict[str, int] = {}
    unseen_turn = 0
    for language, texts in LANGUAGES.items():
        for index in range(PAGES_PER_LANGUAGE):
            rng = random.Random(f"{seed}-{language}-{index}")
            kind = KIND_CYCLE[index % len(KIND_CYCLE)]
            serving = SERVINGS[SERVING_CYCLE[index % len(SERVING_CYCLE)]]
            page = Page(
                id=f"{language}-{kind}-{index:02d}",
                language=language,
                kind=kind,
                site=rng.choice(texts.sites[kind]),
                cms=_cms(kind, rng),
                marks=rng.choice(MARKS[language]),
                serving=serving,
                heavy=index in HEAVY,
            )
            if page.heavy and not serving.xhtml:
                page.unbalanced = UNBALANCED.get(kind, "")
            page.path = f"/{language}/{kind}/{index:02d}.html"
            writer = Writer(texts, rng, page)
            placements = []
            for _ in range(rng.randint(1, 3)):
                if page.cms == "blogger":
                    placements.append("noscript")
                    continue
                turn = placement_turn.get(kind, 0)
                placements.append(PLACEMENTS[kind][turn % len(PLACEMENTS[kind])])
                placement_turn[kind] = turn + 1
            quotable = rng.sample(texts.quotable[kind], k=len(placements))
            passages = [
                Passage(writer.fill(template), where, page.id)
                for template, where in zip(quotable, placements, strict=True)
            ]
            passages = [
                Passage(soft_hyphens(p.text, rng), p.placement, p.page) if p.placement == "soft hyphens" else p
                for p in passages
            ]
            unseen = []
            for _ in range(rng.randint(1, 2)):
                why = UNSEEN[unseen_turn % len(UNSEEN)]
                unseen_turn += 1
                template = rng.choice(texts.scripted if why in _SCRIPTED else texts.hidden)
                unseen.append(Negative(writer.fill(template), why))
            entities = page.serving.entities or rng.choice(ENTITY_STYLES[:3])
            html = Html(page, texts, rng, entities)
            _page(html, writer, passages, unseen)
            page.body = page.serving.encode(html.html())
            page.passages = passages
            page.negatives = unseen
            page.seen = " ".join(html.seen)
            page.pieces = html.seen
            pages.append(page)
    _other_pages(pages, random.Random(seed))
    for page in pages:
        _check(page)
    return pages


def _cms(kind: str, rng: random.Random) -> str:
    if kind == "news":
        return rng.choice(("modern", "wordpress"))
    if kind == "blog":
        return rng.choice(("blogger", "wordpress"))
    return "institution"


def _other_pages(pages: list[Page], rng: random.Random) -> None:
    """Each page is also asked for a passage from another page of its language, of its kind when possible."""
    for page in pages:
        others = [p for p in pages if p.language == page.language and p.id != page.id]
        same_kind = [p for p in others if p.kind == page.kind]
        seen = normalize(page.seen)
        for candidates in (same_kind, others):
            passages = [q for p in candidates for q in p.passages if normalize(q.text) not in seen]
            if passages:
                chosen = rng.choice(passages)
                page.negatives.append(Negative(chosen.text, "another page", chosen.page))
                break


def _check(page: Page) -> None:
    """The generator's own guarantee: each passage is seen on its page, each negative is not."""
    seen = normalize(page.seen)
    for passage in page.passages:
        if normalize(passage.text) not in seen:
            raise AssertionError(f"{page.id}: passage not written visibly: {passage.text!r}")
    for negative in page.negatives:
        if normalize(negative.text) in seen:
            raise AssertionError(f"{page.id}: negative visible on the page: {negative.text!r}")
    if page.serving.xhtml and page.serving.content_type.startswith("application/xhtml+xml"):
        # Served as XML, a browser would refuse a page that is not well-formed: ours must be.
        etree.fromstring(page.body, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))


# --- The parts of a page ------------------------------------------------------------------------------------


def _page(h: Html, w: Writer, passages: list[Passage], unseen: list[Negative]) -> None:
    page, texts, rng = h.page, h.texts, h.rng
    title = w.fill(rng.choice(texts.scripted)) if page.kind in ("news", "blog") else _institution_title(w)
    description = next((n.text for n in unseen if n.why in ("<meta> description", "JSON-LD")), "")
    _head(h, w, title, description, unseen)
    body_class = {"modern": "article-page", "wordpress": "single single-post", "blogger": "item-view"}
    h.raw(f'<body class="{body_class.get(page.cms, "institution")}">')
    h.raw(
        '<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-5XK2P9" height="0" width="0" '
        'style="display:none;visibility:hidden"></iframe></noscript>'
    )
    _sprite(h)
    _chrome_top(h, w)
    h.raw('<main id="main">')
    kind_body: dict[str, Callable[[Html, Writer, str, list[Passage], list[Negative]], None]] = {
        "news": _news,
        "blog": _blog,
        "ministry": _ministry,
        "statistics": _statistics,
        "court": _court,
    }
    kind_body[page.kind](h, w, title, passages, unseen)
    h.raw("</main>")
    _chrome_bottom(h, w, unseen)
    h.raw("</body></html>")


def _institution_title(w: Writer) -> str:
    page = w.page
    titles = {
        "ministry": {"fr": "Soutien aux entreprises du numérique", "de": "Förderprogramm Digitalwirtschaft"},
        "statistics": {"fr": "Emploi et chômage", "de": "Arbeitsmarkt und Preise"},
        "court": {"fr": "Décision", "de": "Beschluss", "en": "Judgment"},
    }
    english = {"ministry": "Support for digital businesses", "statistics": "Labour market and prices"}
    name = titles.get(page.kind, {}).get(page.language) or english.get(page.kind, "")
    return w.print(f"{name} – {w.rng.choice(w.texts.months)} {w.rng.randint(2019, 2025)} | {page.site}")


def _head(h: Html, w: Writer, title: str, description: str, unseen: list[Negative]) -> None:
    page = h.page
    serving = page.serving
    if serving.xml_declaration:
        h.raw(serving.xml_declaration + "\n")
    if serving.xhtml:
        h.raw(
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml" lang="{page.language}" xml:lang="{page.language}">'
        )
    else:
        h.raw(f'<!DOCTYPE html>\n<html lang="{page.language}">')
    h.raw("<head>")
    if serving.meta:
        h.raw(serving.meta)
    h.raw(f"<title>{h.text(title)}</title>")
    h.raw(h.void("meta", ' name="viewport" content="width=device-width, initial-scale=1"'))
    shown_description = description or w.filler(page.kind, 1)
    h.raw(h.void("meta", f' name="description" content="{attribute(shown_description)}"'))
    h.raw(h.void("meta", f' property="og:title" content="{attribute(title)}"'))
    h.raw(h.void("meta", f' property="og:description" content="{attribute(shown_description)}"'))
    h.raw(h.void("link", f' rel="canonical" href="https://www.example.{page.language}{page.path}"'))
    h.raw(h.void("link", ' rel="stylesheet" href="/static/css/main.3f9a1c.css"'))
    h.raw(
        '<style type="text/css">body{margin:0;font-family:Georgia,serif}.visually-hidden{position:absolute;'
        "clip:rect(0 0 0 0)}.dropcap{float:left;font-size:3em;line-height:1}.ad{min-height:250px;background:#f4f4f4}"
        "#cookie-banner{position:fixed;bottom:0}.modal[hidden]{display:none}.is-hidden{display:none}"
        + _css(w.rng)
        + "</style>"
    )
    ld: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle" if page.kind in ("news", "blog") else "WebPage",
        "headline": title,
        "inLanguage": page.language,
        "datePublished": f"{w.rng.randint(2019, 2025)}-0{w.rng.randint(1, 9)}-1{w.rng.randint(0, 9)}T08:30:00+01:00",
        "publisher": {"@type": "Organization", "name": page.site},
    }
    if any(n.why == "JSON-LD" for n in unseen):
        ld["description"] = description
    h.script(_json(ld, ascii_only=w.rng.random() < 0.5), ' type="application/ld+json"')
    h.script(
        "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});"
        "var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;"
        "j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);})"
        "(window,document,'script','dataLayer','GTM-5XK2P9');"
    )
    h.raw("</head>")


def _css(rng: random.Random) -> str:
    """A site's inlined critical CSS: a few kilobytes to some tens, as front-end builds inline them."""
    properties = ("margin", "padding", "font-size", "line-height", "letter-spacing", "border-width", "max-width")
    return "".join(
        f".c-{rng.randrange(16**6):06x}{{{rng.choice(properties)}:{rng.randint(0, 48)}px;"
        f"color:#{rng.randrange(16**6):06x}}}"
        for _ in range(rng.randint(80, 600))
    )


def _sprite(h: Html) -> None:
    """The icon sprite sites put at the top of <body>: SVG symbols, drawn nowhere by themselves."""
    h.raw('<svg xmlns="http://www.w3.org/2000/svg" style="display:none">')
    for index in range(h.rng.randint(10, 40)):
        points = " ".join(f"{h.rng.randint(0, 24)} {h.rng.randint(0, 24)}" for _ in range(12))
        h.raw(f'<symbol id="icon-{index}" viewBox="0 0 24 24"><path d="M{points}Z"></path></symbol>')
    h.raw("</svg>")


def _json(value: object, *, ascii_only: bool) -> str:
    # As CMSs write JSON into a page: < and & escaped so that it cannot end the script.
    return json.dumps(value, ensure_ascii=ascii_only).replace("<", "\\u003c").replace("&", "\\u0026")


def _chrome_top(h: Html, w: Writer) -> None:
    page, texts, rng, ui = h.page, h.texts, h.rng, h.texts.ui
    h.raw(f'<a class="skip-link" href="#main">{h.text(ui["skip"])}</a>')
    banner_hidden = rng.random() < 0.5
    # A consent banner is either in the page or written hidden and shown by a script; its words are common to all.
    h.raw(f'<div id="cookie-banner" role="dialog"{h.flag("hidden") if banner_hidden else ""}>')
    if banner_hidden:
        h.raw(f"<p>{escape(ui['cookies'], h.entities)}</p>")
    else:
        h.element("p", ui["cookies"])
    h.raw(
        f'<button type="button" class="accept">{escape(ui["accept"], h.entities)}</button>'
        f'<button type="button" class="refuse">{escape(ui["refuse"], h.entities)}</button></div>'
    )
    if not banner_hidden:
        h.seen.extend((ui["accept"], ui["refuse"]))
    h.raw('<header class="site-header">')
    h.raw(f'<a class="logo" href="/">{h.text(page.site)}</a>')
    h.raw('<nav aria-label="principal"><ul class="menu">')
    for section in texts.sections:
        h.raw(f'<li><a href="/{rng.randrange(100)}/">{h.text(section)}</a></li>')
    h.raw("</ul></nav>")
    # The mobile menu: the same links, hidden until the burger is pressed.
    h.raw('<div class="mobile-menu" style="display:none"><ul>')
    for section in texts.sections:
        h.raw(f'<li><a href="/m/{rng.randrange(100)}/">{escape(section, h.entities)}</a></li>')
    h.raw("</ul></div>")
    field = h.void("input", f' type="search" name="q" placeholder="{attribute(ui["search"])}"')
    h.raw(f'<form class="search" action="/search" method="get">{field}')
    h.raw(f'<button type="submit">{h.text(ui["search"])}</button></form>')
    h.raw("</header>")


def _chrome_bottom(h: Html, w: Writer, unseen: list[Negative]) -> None:
    page, texts, rng, ui = h.page, h.texts, h.rng, h.texts.ui
    h.raw('<footer class="site-footer"><div class="columns">')
    for column in range(3):
        h.raw('<ul class="footer-links">')
        for label in (ui["legal"], ui["privacy"], ui["sitemap"], ui["contact"], *texts.sections[column::3]):
            h.raw(f'<li><a href="/{rng.randrange(1000)}">{h.text(label)}</a></li>')
        h.raw("</ul>")
    h.raw("</div>")
    h.element("p", f"© {rng.randint(2019, 2025)} {page.site}. {ui['rights']}", ' class="copyright"')
    h.raw("</footer>")
    state = next((n.text for n in unseen if n.why == "script state"), "")
    h.script(_state(w, state, heavy=page.heavy))
    h.script(
        "window.googletag=window.googletag||{cmd:[]};googletag.cmd.push(function(){googletag.defineSlot("
        "'/2150/site/article',[[300,250],[300,600]],'ad-slot-1').addService(googletag.pubads());"
        "googletag.enableServices();});",
    )
    h.raw('<script async="async" src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>')
    h.raw('<script src="/static/js/app.8c2e4f.js" defer="defer"></script>')


def _state(w: Writer, teaser: str, *, heavy: bool) -> str:
    """The state a JavaScript front end boots from: teasers of other articles, none of them on the page."""
    count = w.rng.randint(400, 900) if heavy else w.rng.randint(20, 160)
    articles = [
        {"id": w.rng.randrange(10**6), "title": w.fill(w.rng.choice(w.texts.scripted)), "premium": w.rng.random() < 0.3}
        for _ in range(count)
    ]
    if teaser:
        articles.insert(w.rng.randrange(len(articles) + 1), {"id": 1, "title": teaser, "premium": True})
    return "window.__PRELOADED_STATE__ = " + _json({"page": w.page.path, "related": articles}, ascii_only=False) + ";"


def _unseen_markup(h: Html, unseen: list[Negative]) -> None:
    """The hidden passages in the body, each in the way it was drawn."""
    for negative in unseen:
        text = escape(negative.text, h.entities)
        if negative.why == "display:none":
            h.raw(f'<div class="paywall-content" style="display: none"><p>{text}</p></div>')
        elif negative.why == "hidden attribute":
            h.raw(f'<div class="modal" id="limit-modal"{h.flag("hidden")}><p>{text}</p></div>')
        elif negative.why == "visibility:hidden":
            h.raw(f'<div class="tooltip" style="visibility:hidden;position:absolute">{text}</div>')
        elif negative.why == "<template>":
            h.raw(f'<template id="correction-note"><p class="correction">{text}</p></template>')
        elif negative.why == "HTML comment":
            h.raw(f"<!-- old version: <p>{text}</p> -->")
        elif negative.why == STYLESHEET_HIDDEN:
            h.raw(f'<div class="is-hidden js-expand"><p>{text}</p></div>')


def _passage_markup(h: Html, w: Writer, passage: Passage) -> str:
    """A passage's paragraph HTML, with text around it, rendered as its placement wants."""
    before = w.filler(h.page.kind, h.rng.randint(0, 2))
    after = w.filler(h.page.kind, h.rng.randint(0, 2))
    options = {
        "inline markup": {"inline": True},
        "source line breaks": {"source_breaks": True},
        "<br> line breaks": {"line_breaks": True},
        "drop cap": {"dropcap": True},
        "<wbr> in long words": {"word_breaks": True},
    }.get(passage.placement, {})
    if passage.placement in (
        "drop cap",
        "lead",
        "blockquote",
        "figure caption",
        "comment",
        "list item",
        "FAQ <details>",
    ):
        before = after = ""
    middle = h.text(passage.text, **options)
    return " ".join(part for part in (h.text(before) if before else "", middle, h.text(after) if after else "") if part)


def _paragraphs(h: Html, w: Writer, count: int, sentences: tuple[int, int] = (2, 5)) -> None:
    for _ in range(count):
        h.element("p", w.filler(h.page.kind, h.rng.randint(*sentences)))


def _spread(h: Html, w: Writer, passages: list[Passage], paragraphs: int, where: tuple[str, ...]) -> None:
    """Filler paragraphs with the passages of these placements among them."""
    mine = [p for p in passages if p.placement in where]
    slots = sorted(h.rng.sample(range(paragraphs + 1), k=len(mine))) if mine else []
    for index in range(paragraphs + 1):
        for passage, slot in zip(mine, slots, strict=True):
            if slot == index:
                h.raw(f"<p>{_passage_markup(h, w, passage)}</p>")
        if index < paragraphs:
            _paragraphs(h, w, 1)


def _placed(passages: list[Passage], placement: str) -> list[Passage]:
    return [p for p in passages if p.placement == placement]


def _news(h: Html, w: Writer, title: str, passages: list[Passage], unseen: list[Negative]) -> None:
    page, texts, rng, ui = h.page, h.texts, h.rng, h.texts.ui
    h.raw('<article class="article">')
    h.raw('<nav class="breadcrumb">')
    h.raw(f'<a href="/">{h.text(ui["home"])}</a> › <a href="/s/">{h.text(rng.choice(texts.sections))}</a></nav>')
    h.element("h1", title, ' class="article-title"')
    for passage in _placed(passages, "lead"):
        h.raw(f'<p class="lead chapo">{_passage_markup(h, w, passage)}</p>')
    if not _placed(passages, "lead"):
        h.element("p", w.filler("news", 2), ' class="lead chapo"')
    author = rng.choice(texts.persons)
    h.raw(
        f'<div class="byline">{h.text(ui["by"])} <a rel="author" href="/auteur/{rng.randrange(500)}">'
        f'{h.text(author)}</a> · <time datetime="2025-01-29T10:12:00+01:00">'
        f"{h.text(ui['published'] + ' ' + w.fill('{day} {month} {year}'))}</time></div>"
    )
    h.raw('<figure class="lead-image">')
    h.raw(h.void("img", ' src="/img/2025/01/deepseek-1200.jpg" alt="" width="1200" height="675"'))
    captions = _placed(passages, "figure caption")
    caption = _passage_markup(h, w, captions[0]) if captions else h.text(ui["caption_photo"])
    h.raw(f'<figcaption>{caption} <span class="credit">{h.text("© AFP")}</span></figcaption></figure>')
    h.raw('<div class="article-body">')
    paragraphs = rng.randint(30, 60) if page.heavy else rng.randint(6, 18)
    drop = _placed(passages, "drop cap")
    for passage in drop:
        h.raw(f'<p class="first">{_passage_markup(h, w, passage)}</p>')
    in_text = ("paragraph", "inline markup", "source line breaks", "soft hyphens", "<wbr> in long words")
    _spread(h, w, passages, paragraphs // 2, in_text)
    h.raw('<div class="ad" id="ad-slot-1">')
    h.raw(f'<span class="ad-label">{h.text(ui["ad"])}</span></div>')
    for passage in _placed(passages, "blockquote"):
        h.raw(f'<blockquote class="pullquote"><p>{_passage_markup(h, w, passage)}</p></blockquote>')
    _unseen_markup(h, unseen)
    _paragraphs(h, w, paragraphs - paragraphs // 2)
    h.raw("</div>")
    h.raw(f'<div class="share"><span>{h.text(ui["share"])}</span>')
    for network in ("Facebook", "X", "LinkedIn", "WhatsApp"):
        h.raw(f'<a href="https://share.example/{network.lower()}" class="share-{network.lower()}">')
        h.raw(f"{h.text(network)}</a>")
    h.raw("</div>")
    _related(h, w)
    h.raw("</article>")
    _comments(h, w, passages, rng.randint(150, 300) if page.heavy else rng.randint(0, 25))
    _newsletter(h)
    _most_read(h, w)


def _related(h: Html, w: Writer) -> None:
    h.raw(f'<aside class="related"><h2>{h.text(h.texts.ui["read_also"])}</h2><ul>')
    for _ in range(h.rng.randint(3, 6)):
        h.raw(f'<li><a href="/a/{h.rng.randrange(10**5)}">{h.text(w.fill(h.rng.choice(h.texts.scripted)))}</a></li>')
    h.raw("</ul></aside>")


def _most_read(h: Html, w: Writer) -> None:
    h.raw(f'<aside class="most-read"><h2>{h.text(h.texts.ui["most_read"])}</h2><ol>')
    for _ in range(5):
        h.raw(f'<li><a href="/a/{h.rng.randrange(10**5)}">{h.text(w.filler("news", 1))}</a></li>')
    h.raw("</ol></aside>")


def _newsletter(h: Html) -> None:
    ui = h.texts.ui
    h.raw(f'<section class="newsletter">{"<p>" + h.text(ui["newsletter"]) + "</p>"}<form action="/nl" method="post">')
    h.raw(h.void("input", ' type="email" name="email"'))
    h.raw(f'<button type="submit">{h.text(ui["subscribe"])}</button></form></section>')


def _comments(h: Html, w: Writer, passages: list[Passage], count: int) -> None:
    mine = _placed(passages, "comment")
    if not count and not mine:
        return
    ui, rng = h.texts.ui, h.rng
    h.raw(f'<section id="comments" class="comments"><h2>{h.text(ui["comments"])} ({count + len(mine)})</h2>')
    h.seen.append(f"({count + len(mine)})")
    h.raw('<ol class="commentlist">')
    at = rng.randint(0, count)
    for index in range(count + 1):
        if index == at:
            for passage in mine:
                _comment(h, w, _passage_markup(h, w, passage))
        if index < count:
            _comment(h, w, h.text(rng.choice(h.texts.comments) + " " + w.filler(h.page.kind, rng.randint(0, 2))))
    h.raw(f'</ol><a class="react" href="#respond">{h.text(ui["react"])}</a></section>')


def _comment(h: Html, w: Writer, body: str) -> None:
    rng = h.rng
    closing = "" if h.page.unbalanced == UNBALANCED["news"] else "</div>"
    h.raw(
        f'<li class="comment" id="comment-{rng.randrange(10**6)}"><div class="comment-author vcard">'
        f'<cite class="fn">{h.text(rng.choice(h.texts.commenters))}</cite></div>'
        f'<div class="comment-meta">{h.text(w.fill("{day} {month} {year}"))}</div>'
        f'<div class="comment-body"><p>{body}</p>{closing}</li>'
    )


def _blog(h: Html, w: Writer, title: str, passages: list[Passage], unseen: list[Negative]) -> None:
    page, texts, rng, ui = h.page, h.texts, h.rng, h.texts.ui
    h.raw('<div class="content-outer"><div class="main-inner"><div class="post hentry">')
    h.element("h3", title, ' class="post-title entry-title"')
    h.raw(f'<div class="post-header">{h.text(w.fill("{weekday} {day} {month} {year}"))}</div>')
    body: list[str] = []
    paragraphs = rng.randint(5, 12)
    in_text = [p for p in passages if p.placement in ("paragraph", "inline markup", "noscript")]
    slots = [(rng.randrange(paragraphs), p) for p in in_text]
    for index in range(paragraphs):
        for slot, passage in slots:
            if slot == index:
                body.append(f"<p>{_passage_markup(h, w, passage)}</p>")
        body.append(f"<p>{h.text(w.filler('blog', rng.randint(2, 5)))}</p>")
    items = _placed(passages, "list item")
    if items:
        body.append("<ul>" + "".join(f"<li>{_passage_markup(h, w, p)}</li>" for p in items) + "</ul>")
    if page.cms == "blogger":
        # Blogger's dynamic views: the post is drawn by a script, and its text is only in <noscript> for readers
        # without one.
        h.raw(f'<div class="post-body entry-content" id="post-body-{rng.randrange(10**9)}"></div>')
        h.raw(f'<noscript><div class="post-body-noscript">{"".join(body)}</div></noscript>')
        h.raw(f'<p class="js-warning" style="display:none">{escape(ui["javascript"], h.entities)}</p>')
    else:
        h.raw(f'<div class="post-body entry-content">{"".join(body)}</div>')
    _unseen_markup(h, unseen)
    h.raw(f'<div class="post-footer"><span class="post-labels">{h.text(ui["labels"])}: ')
    h.raw(", ".join(f'<a href="/search/label/{s}" rel="tag">{h.text(s)}</a>' for s in texts.sections[:3]))
    h.raw("</span></div></div>")
    _comments(h, w, passages, rng.randint(0, 12))
    h.raw('</div><div class="sidebar">')
    h.raw(f'<div class="widget BlogArchive"><h2>{h.text(ui["archives"])}</h2><ul>')
    for year in range(2025, 2017, -1):
        h.raw(f'<li><a href="/{year}/">{h.text(str(year))}</a> <span>({h.text(str(rng.randint(3, 40)))})</span></li>')
    h.raw("</ul></div>")
    h.raw(f'<div class="widget"><p>{h.text(ui["powered"])}</p></div></div></div>')


def _institution_header(h: Html, w: Writer, title: str, label: str) -> None:
    ui = h.texts.ui
    h.raw('<nav class="breadcrumb" aria-label="breadcrumb"><ol>')
    h.raw(f'<li>{h.text(ui["breadcrumb"])}</li><li><a href="/">{h.text(ui["home"])}</a></li>')
    h.raw(f"<li>{h.text(label)}</li></ol></nav>")
    h.element("h1", title)
    h.raw(f'<p class="date">{h.text(ui["published"] + " " + w.fill("{day} {month} {year}"))}</p>')


def _ministry(h: Html, w: Writer, title: str, passages: list[Passage], unseen: list[Negative]) -> None:
    ui, rng = h.texts.ui, h.rng
    h.raw('<div class="container"><article class="press-release">')
    _institution_header(h, w, title, ui["press_release"])
    _spread(h, w, passages, rng.randint(3, 8), ("paragraph", "inline markup", "source line breaks"))
    h.element("h2", ui["measures"])
    h.raw("<ul>")
    items = _placed(passages, "list item")
    for index in range(rng.randint(3, 6)):
        if index == 1:
            for passage in items:
                h.raw(f"<li>{_passage_markup(h, w, passage)}</li>")
        h.element("li", w.filler("ministry", 1))
    h.raw("</ul>")
    cells = _placed(passages, "table cell")
    h.raw('<table class="table"><thead><tr>')
    for head in ("", w.fill("{year}"), w.fill("{year2}")):
        h.raw(f"<th>{h.text(head) if head else ''}</th>")
    h.raw("</tr></thead><tbody>")
    for row in range(rng.randint(3, 6)):
        h.raw(f"<tr><th>{h.text(rng.choice(h.texts.cities))}</th>")
        h.raw(f"<td>{h.text(w.big())}</td><td>{h.text(w.big())}</td></tr>")
        if row == 1:
            for passage in cells:
                h.raw(f'<tr><td colspan="3">{_passage_markup(h, w, passage)}</td></tr>')
    h.raw("</tbody></table>")
    for passage in _placed(passages, "FAQ <details>"):
        # An accordion: closed until a reader opens it, and found by a browser's search in the page all the same.
        h.raw(f'<details class="faq"><summary>{h.text(w.filler("ministry", 1))}</summary>')
        h.raw(f"<p>{_passage_markup(h, w, passage)}</p></details>")
    _unseen_markup(h, unseen)
    h.raw(f'<div class="downloads"><a href="/files/cp.pdf">{h.text(ui["download"])}</a></div>')
    h.raw(f'<div class="press-contact"><h2>{h.text(ui["press_contact"])}</h2>')
    h.raw(f"<p>{h.text(rng.choice(h.texts.persons))}<br />{h.text('+33 1 53 18 00 00')}</p></div>")
    h.raw("</article></div>")


def _statistics(h: Html, w: Writer, title: str, passages: list[Passage], unseen: list[Negative]) -> None:
    page, texts, ui, rng = h.page, h.texts, h.texts.ui, h.rng
    h.raw('<div class="container"><article class="publication">')
    _institution_header(h, w, title, ui["table"])
    h.raw('<ul class="key-figures">')
    for item in _placed(passages, "list item"):
        h.raw(f"<li>{_passage_markup(h, w, item)}</li>")
    for _ in range(3):
        h.element("li", w.filler("statistics", 1))
    h.raw("</ul>")
    _spread(h, w, passages, rng.randint(2, 6), ("paragraph",))
    captions, notes = _placed(passages, "table caption"), _placed(passages, "table note")
    rows = rng.randint(3_000, 3_400) if page.heavy else rng.randint(8, 40)
    h.raw('<table class="data">')
    caption = (
        _passage_markup(h, w, captions[0]) if captions else h.text(f"{ui['table']} 1 – {w.filler('statistics', 1)}")
    )
    h.raw(f"<caption>{caption}</caption><thead><tr>")
    for head in ("", *(w.fill("{year}") for _ in range(5))):
        h.raw(f'<th scope="col">{h.text(head) if head else ""}</th>')
    h.raw("</tr></thead><tbody>")
    for row in range(rows):
        h.raw(f'<tr><th scope="row">{h.text(f"{rng.choice(texts.cities)} {row + 1}")}</th>')
        h.raw("".join(f"<td>{h.text(w.number(0, 20))}</td>" for _ in range(5)))
        h.raw("</tr>")
    h.raw("</tbody>")
    if notes:
        h.raw(f'<tfoot><tr><td colspan="6">{_passage_markup(h, w, notes[0])}</td></tr></tfoot>')
    h.raw("</table>")
    h.raw('<figure class="chart">')
    h.raw(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" role="img"><title>chart</title>'
        '<rect x="10" y="50" width="30" height="150"></rect><text x="10" y="45">7,4</text></svg>'
    )
    figure_captions = _placed(passages, "figure caption")
    caption = (
        _passage_markup(h, w, figure_captions[0])
        if figure_captions
        else h.text(f"{ui['figure']} 1 – {w.filler('statistics', 1)}")
    )
    h.raw(f"<figcaption>{caption}</figcaption></figure>")
    h.element("h2", ui["definitions"])
    h.raw("<dl>")
    for passage in _placed(passages, "definition"):
        h.raw(f"<dt>{h.text(texts.quarters[0].capitalize())}</dt><dd>{_passage_markup(h, w, passage)}</dd>")
    h.raw(f"<dt>{h.text('BIT / ILO')}</dt><dd>{h.text(w.filler('statistics', 2))}</dd></dl>")
    _unseen_markup(h, unseen)
    h.raw("</article></div>")


def _court(h: Html, w: Writer, title: str, passages: list[Passage], unseen: list[Negative]) -> None:
    page, ui, rng = h.page, h.texts.ui, h.rng
    h.raw('<div class="container"><article class="decision">')
    _institution_header(h, w, title, ui["decision"])
    h.raw(f'<dl class="decision-meta"><dt>{h.text("N°")}</dt><dd>{h.text(w.case_number())}</dd></dl>')
    paragraphs = rng.randint(240, 330) if page.heavy else rng.randint(8, 25)
    font = '<font face="Verdana" size="2">' if page.unbalanced else ""
    mine = [p for p in passages if p.placement != "numbered list"]
    slots = sorted(rng.sample(range(paragraphs), k=len(mine)))
    for index in range(paragraphs):
        number = f'<span class="num">{h.text(f"{index + 1}.")}</span> '
        for passage, slot in zip(mine, slots, strict=True):
            if slot == index:
                h.raw(f'{font}<p class="para">{number}{_passage_markup(h, w, passage)}</p>')
                number = ""
        if number:
            h.raw(f'{font}<p class="para">{number}{h.text(w.filler("court", rng.randint(1, 4)))}</p>')
        if index == paragraphs // 2:
            h.raw("<ol>")
            for passage in _placed(passages, "numbered list"):
                h.raw(f"<li>{_passage_markup(h, w, passage)}</li>")
            h.element("li", w.filler("court", 1))
            h.raw("</ol>")
    _unseen_markup(h, unseen)
    h.raw(f'<p class="signature">{h.text(rng.choice(h.texts.persons))}<br />{h.text(page.site)}</p>')
    h.raw("</article></div>")


# --- Writing the set out ------------------------------------------------------------------------------------


def digest(pages: list[Page]) -> str:
    """A short hash of every page's path, headers and bytes: two runs with the same digest read the same set."""
    sha = hashlib.sha256()
    for page in pages:
        sha.update(f"{page.path}\n{page.content_type}\n".encode())
        sha.update(page.body)
    return sha.hexdigest()[:12]


def write(pages: list[Page], directory: Path) -> None:
    """The pages as files, with a manifest.json of their paths and Content-Type headers (what server.py serves)."""
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for page in pages:
        name = page.path.strip("/").replace("/", "__")
        (directory / name).write_bytes(page.body)
        manifest[page.path] = {"file": name, "content_type": page.content_type}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    pages = build(args.seed)
    write(pages, args.directory)
    print(f"{len(pages)} pages, digest {digest(pages)}, in {args.directory}")


if __name__ == "__main__":
    main()
