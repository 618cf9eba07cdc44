"""`make bench-quotes`: quote recall and false "found" on generated real-looking pages, through the real fetch path,
and the time and memory of reading each page and the pathological ones. Writes its section of docs/benchmarks.md.

Everything it talks to is on 127.0.0.1: the page server (bench/quotes/server.py) in a process of its own. It uses no
database. `--quick` reads every sixth page and only the issue's pathological pages, to try the script out.

Then the PDFs of issue 12 (bench/quotes/pdfset.py, pdfrun.py): quote recall and pages cited on generated French
reports, and the desk's PDF reading speed against pypdf's on the same files. `--pdf-only` runs that part alone and
replaces only its sub-section, keeping the HTML figures already in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a file (python bench/bench_quotes.py) as well as a module
    sys.path.insert(0, str(ROOT))

from bench.common import DEFAULT_SETTINGS, code_version, fetch_networks_check, section_publish  # noqa: E402
from bench.quotes import log  # noqa: E402

# The files whose code the run measures: their hashes name it in the report, with the commit.
MEASURED_FILES = [
    "claims/sources/fetching.py",
    "claims/sources/extract.py",
    "claims/sources/pagetext.py",
    "claims/sources/quotes.py",
]
PDF_FILES = [
    "claims/sources/pdf.py",
    "claims/sources/extract.py",
    "claims/sources/pagetext.py",
    "claims/sources/quotes.py",
]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seed", type=int, default=None, help="the page set's seed (default: the committed one)")
    parser.add_argument("--pages-dir", type=Path, default=ROOT / "var" / "bench-quotes" / "pages")
    parser.add_argument("--repeat", type=int, default=5, help="readings of the slowest page again")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a reading may take before it is killed")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing docs/")
    parser.add_argument("--quick", action="store_true", help="every sixth page, the issue's pathological pages only")
    parser.add_argument("--pdf-only", action="store_true", help="the PDF part alone (its sub-section replaced)")
    parser.add_argument("--no-pdf", action="store_true", help="the HTML part alone (no PDF sub-section)")
    parser.add_argument("--pdf-seed", type=int, default=None, help="the PDF set's seed (default: the committed one)")
    parser.add_argument("--pdf-dir", type=Path, default=ROOT / "var" / "bench-quotes" / "pdfs")
    parser.add_argument("--pdf-rounds", type=int, default=3, help="timed readings of the PDF set by each reader")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    # No database is used. Should something query one all the same, it fails on a database that does not exist
    # instead of reaching the desk's or the test suite's.
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/factcheck_bench_quotes_none"
    code = code_version(MEASURED_FILES)
    pdf_code = code_version(PDF_FILES)
    import django

    django.setup()
    fetch_networks_check()
    argv = (" " + " ".join(sys.argv[1:])) if sys.argv[1:] else ""
    command = "make bench-quotes" + (f" BENCH_QUOTES_ARGS='{argv.strip()}'" if argv else "")
    section = "" if args.pdf_only else html_section(args, code, argv)
    if not args.no_pdf:
        section = pdf_section(args, pdf_code, argv, command, html=section)
    section_publish("bench-quotes", section, write=not args.no_write, log=log)
    return 0


def html_section(args: argparse.Namespace, code: str, argv: str) -> str:
    # Imported once Django is set up: the desk's reading code imports its models.
    from bench.quotes import pageset
    from bench.quotes.report import Context, render
    from bench.quotes.run import measure

    results = measure(
        seed=pageset.SEED if args.seed is None else args.seed,
        pages_dir=args.pages_dir,
        timeout=args.timeout,
        repeat=args.repeat,
        quick=args.quick,
    )
    log(f"HTML part done in {results.seconds:.0f} s")
    return render(Context(results, code, argv))


def pdf_section(args: argparse.Namespace, code: str, argv: str, command: str, *, html: str) -> str:
    """The section with the PDF sub-section at its end: after the HTML part just measured, or (`--pdf-only`) after
    the HTML part docs/benchmarks.md holds, its former PDF sub-section replaced."""
    from bench.quotes import pdfreport, pdfset
    from bench.quotes.pdfrun import measure

    results = measure(
        seed=pdfset.SEED if args.pdf_seed is None else args.pdf_seed, directory=args.pdf_dir, rounds=args.pdf_rounds
    )
    log(f"PDF part done in {results.seconds:.0f} s")
    if not html:
        html = kept_html_section()
    return html.rstrip("\n") + "\n\n" + pdfreport.render(results, command=command, argv=argv, code=code)


def kept_html_section() -> str:
    """The HTML part of the bench-quotes section as docs/benchmarks.md holds it (without its PDF sub-section)."""
    from bench.common import DOC
    from bench.quotes.pdfreport import HEADING

    start, end = "<!-- bench-quotes:start -->", "<!-- bench-quotes:end -->"
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    if start not in current or end not in current:
        return "## Quotes on real-looking pages (`make bench-quotes`)\n\nThe HTML part has not been run yet.\n"
    section = current.split(start, 1)[1].split(end, 1)[0].lstrip("\n")
    return section.split(HEADING, 1)[0]


if __name__ == "__main__":
    sys.exit(main())
