"""Every string the project writes has a French translation, and the compiled catalog in the repo is up to date."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOG.with_suffix(".mo")
SOURCES = ["manage.py", "claims", "factcheck", "templates", "locale"]


@pytest.fixture(autouse=True)
def gettext_tools() -> None:
    if shutil.which("msgattrib") is None:
        pytest.fail("gettext is not installed: run scripts/ensure-test-tools.sh (make test does).")


def run(*command: str, cwd: Path) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "factcheck.settings.test"}
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_every_string_of_ours_has_a_french_translation(tmp_path):
    # The catalog made again from today's code, in a copy: a new or changed string comes out empty or fuzzy.
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    run(sys.executable, "manage.py", "makemessages", "-l", "fr", "--add-location=file", cwd=tmp_path)
    regenerated = tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po"

    untranslated = run("msgattrib", "--untranslated", "--no-obsolete", str(regenerated), cwd=tmp_path)
    fuzzy = run("msgattrib", "--only-fuzzy", "--no-obsolete", "--no-wrap", str(regenerated), cwd=tmp_path)
    fuzzy_entries = [block for block in fuzzy.split("\n\n") if 'msgid ""\nmsgstr ""' not in block and block.strip()]
    assert not untranslated.strip(), (
        f"Strings without a French translation (run makemessages and translate):\n{untranslated}"
    )
    assert not fuzzy_entries, "Fuzzy French translations to review:\n" + "\n\n".join(fuzzy_entries)


def test_the_compiled_french_catalog_matches_its_source(tmp_path):
    compiled_now = tmp_path / "django.mo"
    run("msgfmt", "--check", "-o", str(compiled_now), str(CATALOG), cwd=tmp_path)
    with compiled_now.open("rb") as fresh, COMPILED.open("rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(fresh)._catalog, (
            "locale/fr/LC_MESSAGES/django.mo is older than django.po: run manage.py compilemessages"
        )


def test_the_french_catalog_is_what_django_uses():
    from django.utils import translation

    with translation.override("fr"):
        assert translation.gettext("Send to review") != "Send to review"


def test_every_reason_a_check_or_a_flag_gives_reads_in_french():
    # Reasons are stored as codes and said in the reader's language when shown (claims/reasons.py): each needs its
    # French, or a French editor reads English.
    import re

    from django.utils import translation

    from claims.reasons import ADDRESS_KINDS, FLAG_REASONS, TEXTS, flag_reason_text, reason_text

    def said(language: str, code: str) -> str:
        params = {name: "x" for name in re.findall(r"%\((\w+)\)s", str(TEXTS[code]))}
        with translation.override(language):
            return reason_text(code, params)

    untranslated = [code for code in TEXTS if code != "legacy" and said("fr", code) == said("en", code)]
    for kind in FLAG_REASONS:
        with translation.override("fr"):
            french = flag_reason_text(kind, {})
        with translation.override("en"):
            if french == flag_reason_text(kind, {}):
                untranslated.append(kind)
    for kind, text in ADDRESS_KINDS.items():
        with translation.override("fr"):
            french = str(text)
        with translation.override("en"):
            if french == str(text):
                untranslated.append(kind)
    assert not untranslated, f"reasons without French: {untranslated}"
