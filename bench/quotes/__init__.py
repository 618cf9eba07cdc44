"""`make bench-quotes`: how well the desk finds quotes on realistic pages, and what reading the slowest page costs.

texts.py holds the words (French from the seed article and beside it, German and English written for the set),
markup.py how CMSs turn them into HTML and bytes, pageset.py builds the pages and knows which passages each shows,
typed.py types the passages as people do, hostile.py holds the pathological pages, server.py serves them all on
127.0.0.1, reading.py reads one page in a child process and measures it, run.py runs it all and report.py writes the
section of docs/benchmarks.md.
"""

from bench.common import logger

log = logger("bench-quotes")
