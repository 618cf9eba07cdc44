"""The PDF part of the run (issue 12): serve the PDF set on 127.0.0.1, fetch each PDF through the desk's fetcher, read
it with the desk's reader, ask it every typed quote and find its page as a check does; then time the desk's PDF
reading against pypdf's `extract_text` on the same bytes, in this process, one after the other."""

from __future__ import annotations

import io
import logging
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

from bench.common import require_loopback
from bench.quotes import log, pdfset, typed
from bench.quotes.run import PageServer, fetched
from claims.sources import extract, pagetext, pdf
from claims.sources.quotes import ReadText


@dataclass(frozen=True)
class Asked:
    typed: typed.Typed
    passage: pdfset.Passage | None = None
    negative: pdfset.Negative | None = None
    found: bool = False
    page: int | None = None  # the page the desk cites, for a quote found
    found_by_pypdf: bool = False  # in pypdf's text, as it comes (information)


@dataclass
class DocumentRun:
    document: pdfset.Document
    outcome: str
    size: int
    unread_because: str
    normalized: str  # the desk's text, normalized
    asked: list[Asked] = field(default_factory=list)
    # Seconds (wall) each ReadText.page_of took: the desk's cost of citing a found quote's page.
    page_seconds: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Timing:
    """One reader over the whole set, once: seconds of this process's CPU and of the clock."""

    cpu: float
    wall: float


@dataclass
class PdfResults:
    seed: int
    digest: str
    port: int
    rounds: int
    documents: list[DocumentRun] = field(default_factory=list)
    desk: list[Timing] = field(default_factory=list)
    pypdf: list[Timing] = field(default_factory=list)
    load: tuple[float, float] = (0.0, 0.0)
    seconds: float = 0.0

    @property
    def pages(self) -> int:
        return sum(run.document.pages for run in self.documents)


def pypdf_text(body: bytes) -> list[str]:
    """pypdf's text of each page, as it comes."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


def quotes_asked(document: pdfset.Document, rng: random.Random) -> list[tuple[typed.Typed, Asked]]:
    asked = [(t, Asked(t, passage=p)) for p in document.passages for t in typed.variants(p.text, "fr", rng)]
    for negative in document.negatives:
        asked += [(t, Asked(t, negative=negative)) for t in typed.negative_variants(negative.text, "fr")]
    return asked


def measure(*, seed: int, directory: Path, rounds: int) -> PdfResults:
    from django.conf import settings

    started = time.monotonic()
    # fpdf2's subsetting logs each font it writes at DEBUG.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    log("building the PDF set")
    documents = pdfset.build(seed)
    pdfset.write(documents, directory)
    digest = pdfset.digest(documents)
    log(f"{len(documents)} PDFs, {sum(d.pages for d in documents):,} pages (digest {digest}) in {directory}")
    server = PageServer(directory)
    bodies: list[bytes] = []
    try:
        require_loopback(server.url("/"), "the PDF server")
        settings.FACTCHECK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
        settings.FACTCHECK_FETCH_ALLOWED_PORTS = [server.port]
        results = PdfResults(seed, digest, server.port, rounds)
        rng = random.Random(seed)
        for document in documents:
            result, summary = fetched(server.url(document.path))
            reading = extract.read(
                extract.Document(content_type=result.content_type, body=result.body, text=result.text), main=False
            )
            text = ReadText(reading)
            normalized = text.normalized
            run = DocumentRun(document, summary.outcome, summary.size, str(reading.unread_because), normalized)
            raw = pagetext.normalize("\n".join(pypdf_text(result.body))) if result.outcome == "ok" else ""
            for quote, asked in quotes_asked(document, rng):
                found = not reading.unread_because and text.found(quote.text)
                page = None
                if found:
                    cited = time.perf_counter()
                    page = text.page_of(quote.text)
                    run.page_seconds.append(time.perf_counter() - cited)
                run.asked.append(
                    Asked(
                        quote,
                        asked.passage,
                        asked.negative,
                        found=found,
                        page=page,
                        found_by_pypdf=pagetext.quote_found(quote.text, raw),
                    )
                )
            results.documents.append(run)
            bodies.append(result.body)
    finally:
        server.stop()
    log(f"read {len(documents)} PDFs as a check does; timing both readers, {rounds} rounds")
    results.load = (os.getloadavg()[0], 0.0)
    _timings(results, bodies)
    results.load = (results.load[0], os.getloadavg()[0])
    results.seconds = time.monotonic() - started
    return results


def _timings(results: PdfResults, bodies: list[bytes]) -> None:
    """Each reader over every PDF fetched, `rounds` times, after a warm-up on the first; per PDF one reader then the
    other, the order turned each time, so that both see the same state of the machine."""

    def desk(body: bytes) -> object:
        return pdf.pdf_text(body)

    def other(body: bytes) -> object:
        return pypdf_text(body)

    readers = {"desk": desk, "pypdf": other}
    for read in readers.values():
        read(bodies[0])
    for turn in range(results.rounds):
        spent = {name: [0.0, 0.0] for name in readers}
        for index, body in enumerate(bodies):
            order = list(readers) if (index + turn) % 2 == 0 else list(reversed(readers))
            for name in order:
                cpu, wall = time.process_time(), time.perf_counter()
                readers[name](body)
                spent[name][0] += time.process_time() - cpu
                spent[name][1] += time.perf_counter() - wall
        results.desk.append(Timing(*spent["desk"]))
        results.pypdf.append(Timing(*spent["pypdf"]))
        log(
            f"round {turn + 1}: desk {spent['desk'][0]:.2f} s CPU, pypdf {spent['pypdf'][0]:.2f} s CPU for "
            f"{results.pages:,} pages"
        )


def median_timing(timings: list[Timing]) -> Timing:
    """The round of median CPU."""
    ordered = sorted(timings, key=lambda t: t.cpu)
    return ordered[(len(ordered) - 1) // 2]


def spread(timings: list[Timing]) -> tuple[float, float]:
    cpus = [t.cpu for t in timings]
    return (min(cpus), max(cpus)) if cpus else (0.0, 0.0)


def pages_per_second(pages: int, timing: Timing) -> float:
    return pages / timing.wall if timing.wall else 0.0


def cpu_ms_per_page(pages: int, timing: Timing) -> float:
    return 1000 * timing.cpu / pages if pages else 0.0
