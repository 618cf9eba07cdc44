"""The run: build and serve the pages, fetch each through the desk's fetcher, read it, ask it every typed quote."""

from __future__ import annotations

import codecs
import os
import random
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import ServerProcess, require_loopback
from bench.quotes import hostile, log, pageset, typed
from bench.quotes.pageset import Negative, Page, Passage
from bench.quotes.reading import Cost, Read, measured, status_mb
from claims.models import Snapshot
from claims.sources import extract, pagetext
from claims.sources.fetching import FetchResult, fetch
from claims.sources.quotes import snapshot_document


@dataclass(frozen=True)
class Asked:
    """One typed quote asked of a page: of a passage on it, or of a negative (one that must not be found)."""

    typed: typed.Typed
    passage: Passage | None = None
    negative: Negative | None = None


@dataclass(frozen=True)
class Fetched:
    outcome: str
    seconds: float
    content_type: str
    charset: str
    size: int
    error: str


@dataclass
class PageRun:
    page: Page
    fetched: Fetched
    read: Read
    asked: list[Asked]
    # The same quotes checked again from the snapshot the check would keep: the path a 304 takes.
    found_again: list[bool] = field(default_factory=list)
    again_unread: str = ""
    # Of the pieces of text the page shows (of 20 characters or more once normalized), those in the text read.
    pieces: int = 0
    pieces_read: int = 0
    first_unread: str = ""

    def found(self, index: int) -> bool:
        return bool(self.read.found[index]) if index < len(self.read.found) else False


@dataclass
class HostileRun:
    page: hostile.Hostile
    fetched: Fetched
    read: Read


@dataclass
class Results:
    seed: int
    digest: str
    pages_dir: Path
    port: int
    rss_before: float  # MB, the bench process before forking its readers
    pages: list[PageRun] = field(default_factory=list)
    hostile: list[HostileRun] = field(default_factory=list)
    slowest_repeats: list[Cost] = field(default_factory=list)
    load: tuple[float, float] = (0.0, 0.0)
    seconds: float = 0.0


class PageServer(ServerProcess):
    """server.py in a process of its own: its CPU is not the reader's, and the bench process stays single-threaded
    (it forks a reader per page)."""

    def __init__(self, directory: Path) -> None:
        super().__init__("bench.quotes.server", str(directory), name="bench-quotes-server", ready=r"READY (\d+)")
        self.port = int(self.ready[0])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def quotes_asked(page: Page, rng: random.Random) -> list[Asked]:
    asked = [Asked(t, passage=p) for p in page.passages for t in typed.variants(p.text, page.language, rng)]
    for negative in page.negatives:
        asked += [Asked(t, negative=negative) for t in typed.negative_variants(negative.text, page.language)]
    return asked


def fetched(url: str) -> tuple[FetchResult, Fetched]:
    started = time.perf_counter()
    result = fetch(url)
    summary = Fetched(
        outcome=result.outcome,
        seconds=time.perf_counter() - started,
        content_type=result.content_type,
        charset=result.charset,
        size=len(result.body),
        error=result.error,
    )
    return result, summary


def document(result: FetchResult) -> extract.Document:
    return extract.Document(content_type=result.content_type, body=result.body, text=result.text)


def read_again(result: FetchResult, quotes: list[str]) -> tuple[list[bool], str]:
    """The quotes checked from the snapshot a check keeps of this fetch (bytes compressed, charset noted)."""
    snapshot = Snapshot(content_type=result.content_type, charset=result.charset, raw_body=zlib.compress(result.body))
    reading = extract.read(snapshot_document(snapshot), main=False)
    normalized = pagetext.normalize(reading.visible)
    return [pagetext.quote_found(q, normalized) for q in quotes], str(reading.unread_because)


def measure(*, seed: int, pages_dir: Path, timeout: float, repeat: int, quick: bool) -> Results:
    from django.conf import settings

    started = time.monotonic()
    log("building the page set")
    pages = pageset.build(seed)
    if quick:
        pages = pages[::6]
    hostiles = hostile.pages()
    if quick:
        hostiles = [h for h in hostiles if h.named]
    served = [*pages, *hostiles]
    pageset.write(pages, pages_dir)
    _write_hostile(hostiles, pages_dir)
    log(f"{len(pages)} pages (digest {pageset.digest(pages)}) and {len(hostiles)} pathological ones in {pages_dir}")
    server = PageServer(pages_dir)
    try:
        require_loopback(server.url("/"), "the page server")
        # The fetcher's port rules hold on loopback too: the server's port is the one the run allows.
        settings.FACTCHECK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
        settings.FACTCHECK_FETCH_ALLOWED_PORTS = [server.port]
        log(f"serving {len(served)} pages on 127.0.0.1:{server.port}")
        _warm_up(server, pages)
        results = Results(seed, pageset.digest(pages), pages_dir, server.port, rss_before=status_mb("VmRSS"))
        load_before = os.getloadavg()[0]
        rng = random.Random(seed)
        for number, page in enumerate(pages, 1):
            result, summary = fetched(server.url(page.path))
            asked = quotes_asked(page, rng)
            quotes = [a.typed.text for a in asked]
            read = measured(document(result), quotes, keep_text=True, timeout=timeout)
            run = PageRun(page, summary, read, asked)
            _coverage(run)
            if result.outcome == "ok":
                run.found_again, run.again_unread = read_again(result, quotes)
            results.pages.append(run)
            if number % 30 == 0:
                log(f"read {number}/{len(pages)} pages")
        for pathological in hostiles:
            result, summary = fetched(server.url(pathological.path))
            log(f"reading {pathological.id} ({summary.size:,} bytes fetched, {summary.outcome})")
            read = measured(document(result), [pathological.quote], keep_text=False, timeout=timeout)
            results.hostile.append(HostileRun(pathological, summary, read))
        # The page that costs most to read is the one with the most CPU: on a shared machine the highest wall time
        # may be another process's turn. It is read again to see how steady its figures are.
        slowest = max(results.pages, key=lambda r: r.read.cost.cpu if r.read.cost else 0.0)
        log(f"reading the slowest page, {slowest.page.id}, {repeat} more times")
        result, _ = fetched(server.url(slowest.page.path))
        for _ in range(repeat):
            again = measured(document(result), [a.typed.text for a in slowest.asked], keep_text=False, timeout=timeout)
            if again.cost:
                results.slowest_repeats.append(again.cost)
        results.load = (load_before, os.getloadavg()[0])
    finally:
        server.stop()
    results.seconds = time.monotonic() - started
    return results


def _coverage(run: PageRun) -> None:
    """How much of what the page shows the desk read: quotes may be anywhere in it, not only where the set put its
    passages."""
    for piece in run.page.pieces:
        normalized = pagetext.normalize(piece)
        if len(normalized) < 20:
            continue
        run.pieces += 1
        if normalized in run.read.normalized:
            run.pieces_read += 1
        elif not run.first_unread:
            run.first_unread = piece


def coverage_reason(run: PageRun) -> str:
    """Why some of the page's text is not in the text read, as far as the bench can tell."""
    read, page = run.read, run.page
    if read.error or read.unread_because:
        return f"page not read ({read.error or read.unread_because})"
    if not _same_charset(run.fetched.charset, page.serving.charset):
        return f"decoded as {run.fetched.charset}; the page is {page.serving.charset} ({page.serving.name})"
    shown = pagetext.normalize(page.seen)
    if shown[-60:] not in read.normalized:
        return (
            f"the text read stops early, at «{read.normalized[-50:]}» ({len(read.normalized):,} of {len(shown):,} "
            "characters)" + (f"; the page has {page.unbalanced}" if page.unbalanced else "")
        )
    return f"read otherwise: «{run.first_unread[:80]}»"


def _write_hostile(pages: list[hostile.Hostile], directory: Path) -> None:
    import json

    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for page in pages:
        name = page.path.strip("/").replace("/", "__")
        (directory / name).write_bytes(page.body)
        manifest[page.path] = {"file": name, "content_type": page.content_type}
    manifest_path.write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def _warm_up(server: PageServer, pages: list[Page]) -> None:
    """Read a page of each language in this process first: what trafilatura loads on its first call is loaded
    before the readers fork, as in a worker that has checked a page already."""
    for language in ("fr", "de", "en"):
        page = next((p for p in pages if p.language == language), None)
        if page is None:
            continue
        result, _ = fetched(server.url(page.path))
        reading = extract.read(document(result), main=True)
        pagetext.fingerprint(reading.text)
        pagetext.quote_found("x", pagetext.normalize(reading.visible))


# --- Why a quote was missed ---------------------------------------------------------------------------------


def _same_charset(a: str, b: str) -> bool:
    names = {codecs.lookup(a).name if a else "", codecs.lookup(b).name if b else ""}
    # windows-1252 is what browsers read iso-8859-1 as; the pages hold no byte where the two differ.
    return len(names) == 1 or names == {"cp1252", "iso8859-1"}


def _excerpt(text: str, at: int, width: int = 40) -> str:
    start = max(0, at - width)
    return ("…" if start else "") + text[start : at + width] + ("…" if at + width < len(text) else "")


def miss_reason(run: PageRun, asked: Asked) -> str:
    """Why a quote on the page was not found, as far as the bench can tell."""
    page, read = run.page, run.read
    if read.error:
        return f"reading failed: {read.error}"
    if run.fetched.outcome != "ok":
        return f"fetch {run.fetched.outcome}: {run.fetched.error}"
    if read.unread_because:
        return f"page not read ({read.unread_because})"
    if not _same_charset(run.fetched.charset, page.serving.charset):
        return f"decoded as {run.fetched.charset}; the page is {page.serving.charset} ({page.serving.name})"
    assert asked.passage is not None
    shown = pagetext.normalize(typed.as_seen(asked.passage.text))
    if shown not in read.normalized:
        tail = pagetext.normalize(page.seen)[-60:]
        if tail not in read.normalized:
            return (
                f"the text read stops early, at «{read.normalized[-50:]}» ({len(read.normalized):,} of "
                f"{len(pagetext.normalize(page.seen)):,} characters)"
                + (f"; the page has {page.unbalanced}" if page.unbalanced else "")
            )
        words = shown.split(" ")
        anchor = read.normalized.find(" ".join(words[:3]))
        if anchor >= 0:
            return f"the passage reads otherwise in the text read: «{_excerpt(read.normalized, anchor + 20)}»"
        return "the passage is not in the text read"
    wanted = pagetext.normalize(asked.typed.text)
    differs = next(
        (i for i, (a, b) in enumerate(zip(wanted, shown, strict=False)) if a != b), min(len(wanted), len(shown))
    )
    return f"normalize() differs: typed «{_excerpt(wanted, differs, 25)}», page «{_excerpt(shown, differs, 25)}»"


def found_reason(run: PageRun, asked: Asked) -> str:
    """Where a quote that must not be found was found."""
    assert asked.negative is not None
    wanted = pagetext.normalize(asked.typed.text)
    at = run.read.normalized.find(wanted)
    where = asked.negative.why + (f" ({asked.negative.source_page})" if asked.negative.source_page else "")
    return f"{where}; found in the text read at «{_excerpt(run.read.normalized, at)}»"
