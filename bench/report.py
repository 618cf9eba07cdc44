"""Where the benchmarks write: one section each of docs/benchmarks.md, between its own marker lines."""
from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def section_write(name: str, section: str) -> Path:
    """Replace the section `name` of docs/benchmarks.md (appended the first time), leaving the others as they are."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    # Read right before writing: the other benchmarks write their own sections of the same file.
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    block = f"{start}\n{section}{end}"
    if start in current and end in current and current.index(start) < current.index(end):
        before, rest = current.split(start, 1)
        updated = before + block + rest.split(end, 1)[1]
    else:
        updated = current.rstrip("\n") + "\n\n" + block + "\n"
    draft = DOC.with_suffix(f".md.tmp-{name}")
    draft.write_text(updated, encoding="utf-8")
    draft.replace(DOC)
    return DOC
