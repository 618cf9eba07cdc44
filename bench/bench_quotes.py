"""`make bench-quotes`: quote recall and false "found" on generated real-looking pages, through the real fetch path,
and the time and memory of reading each page and the pathological ones. Writes its section of docs/benchmarks.md.

Everything it talks to is on 127.0.0.1: the page server (bench/quotes/server.py) in a process of its own. It uses no
database. `--quick` reads every sixth page and only the issue's pathological pages, to try the script out.
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


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seed", type=int, default=None, help="the page set's seed (default: the committed one)")
    parser.add_argument("--pages-dir", type=Path, default=ROOT / "var" / "bench-quotes" / "pages")
    parser.add_argument("--repeat", type=int, default=5, help="readings of the slowest page again")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a reading may take before it is killed")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing docs/")
    parser.add_argument("--quick", action="store_true", help="every sixth page, the issue's pathological pages only")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    # No database is used. Should something query one all the same, it fails on a database that does not exist
    # instead of reaching the desk's or the test suite's.
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/factcheck_bench_quotes_none"
    code = code_version(MEASURED_FILES)
    import django

    django.setup()
    # Imported once Django is set up: the desk's reading code imports its models.
    from bench.quotes import pageset
    from bench.quotes.report import Context, render
    from bench.quotes.run import measure

    fetch_networks_check()
    results = measure(
        seed=pageset.SEED if args.seed is None else args.seed,
        pages_dir=args.pages_dir,
        timeout=args.timeout,
        repeat=args.repeat,
        quick=args.quick,
    )
    argv = (" " + " ".join(sys.argv[1:])) if sys.argv[1:] else ""
    section_publish("bench-quotes", render(Context(results, code, argv)), write=not args.no_write, log=log)
    log(f"done in {results.seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
