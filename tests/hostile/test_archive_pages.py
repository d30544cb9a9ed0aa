"""Hostile saved web pages for the archive importer: junk that makes html.parser rescan the
page from every `<` (time quadratic in its size), markup it gives up on, and pages with far too
many elements. Each runs `tip import --dry-run` in a child process with a time limit: a
regression is a failed test, not a stuck suite."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.hostile.bounded import run_bounded

from tipweek.importers import archive

HEAD = "<!doctype html><html><head><title>Produce | The Pantry Desk - Page 3</title></head><body>"
POST = (
    "<article><h2>Weigh It Where They Can See</h2><div class='entry-meta'>Posted on March 4, 2025</div>"
    "<div class='entry-content'><p>Lena turns the display around.</p>"
    "<p>Put the scale where the customer can read it.</p></div></article>"
)
JUNK = {
    # 400 kB of tags that never close: without care, minutes of html.parser rescanning.
    "unclosed-tags": "<a" * 200_000,
    "lone-brackets": "<" * 400_000,
    "unclosed-comments": "<!--" * 100_000,
    # A marked section html.parser refuses with an AssertionError.
    "bad-marked-section": "<![ >" * 1_000,
    "deep-nesting": "<div>" * 80_000,
}


@pytest.mark.parametrize("kind", list(JUNK))
def test_junk_after_a_good_post_is_bounded_and_reported(tmp_path: Path, kind: str) -> None:
    page = tmp_path / "page.html"
    page.write_text(HEAD + POST + JUNK[kind], encoding="utf-8")  # cut off: no closing tags
    result = run_bounded("import", str(page), "--dry-run", "--into", str(tmp_path / "lib"))
    assert "Traceback" not in result.stderr
    assert "1 would be created" in result.stdout, result.stderr
    assert result.returncode in (0, 1)
    assert len(result.stderr.splitlines()) <= 2


@pytest.mark.parametrize("kind", list(JUNK))
def test_the_parser_never_raises_on_junk(kind: str) -> None:
    result = archive.parse(HEAD + POST + JUNK[kind][:20_000], "page.html")
    assert [t.title for t in result.tips] == ["Weigh It Where They Can See"]


def test_defuse_keeps_real_tags_and_escapes_the_rest() -> None:
    assert archive.defuse("<p>a<b</p>") == "<p>a&lt;b</p>"
    assert archive.defuse("<<p>>") == "&lt;<p>>"
    assert archive.defuse("x < y") == "x &lt; y"
    assert archive.defuse("<a href='x'>y</a>") == "<a href='x'>y</a>"
