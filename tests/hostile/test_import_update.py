"""`tip import --update` merges into hand-written files without destroying what a person wrote:
only the keys that change are rewritten (tomlkit), so comments, key order, layout and the
file's mode stay; a dry run writes nothing."""

from __future__ import annotations

import json
import stat
import tomllib
from pathlib import Path

import pytest
from tests.conftest import Library, Run

HAND_WRITTEN = """\
# Ana wrote this after the March rush. Ask her before changing the body.
title = "Hand Made"   # the title the team voted for
body = '''
Keep every word of this.
'''
categories = [
    "Teamwork",  # main one
]
date = 2026-03-03
"""


@pytest.fixture
def hand(sample: Library) -> Path:
    path = sample.root / "2026" / "2026-03-03-hand-made.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    path.chmod(0o640)
    return path


def incoming(tmp_path: Path, **fields: object) -> Path:
    path = tmp_path / "incoming.json"
    data = {"title": "Hand Made", "date": "2026-03-03", "categories": ["Teamwork"], "body": "Other words."}
    path.write_text(json.dumps({**data, **fields}), encoding="utf-8")
    return path


def test_update_keeps_comments_order_and_mode(run: Run, sample: Library, hand: Path, tmp_path: Path) -> None:
    source = incoming(tmp_path, categories=["Retail"], takeaway="Ask first.", tags=["queue"])
    result = run("import", str(source), "--update", "--into", str(sample.root))
    assert result.exit_code == 0, result.stderr
    assert "1 merged" in result.stdout
    text = hand.read_text(encoding="utf-8")
    assert text.startswith(
        HAND_WRITTEN.split("categories", maxsplit=1)[0]
    )  # comments, order, the body as written
    assert '    "Teamwork",  # main one\n' in text
    data = tomllib.loads(text)
    assert data["categories"] == ["Teamwork", "Retail"]
    assert data["takeaway"] == "Ask first." and data["tags"] == ["queue"]
    assert data["body"] == "Keep every word of this.\n"
    assert stat.S_IMODE(hand.stat().st_mode) == 0o640
    assert run("check").exit_code == 0


def test_dry_run_writes_nothing(run: Run, sample: Library, hand: Path, tmp_path: Path) -> None:
    source = incoming(tmp_path, categories=["Retail"])
    result = run("import", str(source), "--update", "--dry-run", "--into", str(sample.root))
    assert result.exit_code == 0
    assert "adds categories Retail" in result.stdout
    assert hand.read_text(encoding="utf-8") == HAND_WRITTEN


def test_a_full_body_replaces_an_excerpt_keeping_the_comments(
    run: Run, sample: Library, tmp_path: Path
) -> None:
    path = sample.root / "undated" / "teaser.toml"
    path.write_text(
        '# imported from the blog; the full post is on page 3\ntitle = "Teaser"\ncategories = ["A"]\n'
        'excerpt = true\nsummary = "The start of it…"\n',
        encoding="utf-8",
    )
    source = tmp_path / "full.json"
    source.write_text(
        json.dumps({"title": "Teaser", "categories": ["A"], "body": "The whole post.\n\nTwo parts."})
    )
    result = run("import", str(source), "--update", "--into", str(sample.root))
    assert result.exit_code == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith('# imported from the blog; the full post is on page 3\ntitle = "Teaser"\n')
    data = tomllib.loads(text)
    assert "excerpt" not in data and data["body"] == "The whole post.\n\nTwo parts."


def test_update_file_refuses_what_it_cannot_merge_faithfully() -> None:
    from tipweek.errors import BadInput
    from tipweek.library import parse_tip, update_file

    data = HAND_WRITTEN.encode()
    before = parse_tip(data, "x/2026-03-03-hand-made.toml")
    after = before.with_changes(title="Another Title")
    merged = update_file(data, before, after)
    assert b"# the title the team voted for" in merged and b'"Another Title"' in merged
    with pytest.raises(BadInput, match="cannot merge"):
        update_file(data, before, after.with_changes(categories=("",)))
