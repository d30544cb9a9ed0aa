"""Limits on a tip's shape (model.MAX_TITLE, MAX_CATEGORIES, MAX_TAGS, MAX_NAME), checked
alike by the reader, the writer and `tip check`: one tip with 90,000 categories once made
`tip categories` take 11 s and 204 MB, and `tip check` accepted it."""

from __future__ import annotations

import pytest
import tomli_w
from tests.conftest import Library, Run

#: The documented limits (README, docs/reliability.md).
MAX_TITLE, MAX_CATEGORIES, MAX_TAGS, MAX_NAME = 500, 20, 50, 200

CASES = {
    "90000-categories": (
        {"categories": [f"C{n}" for n in range(90_000)]},
        f"'categories' has 90000 entries; a tip may have at most {MAX_CATEGORIES}",
    ),
    "too-many-tags": (
        {"tags": [f"t{n}" for n in range(MAX_TAGS + 1)]},
        f"'tags' has {MAX_TAGS + 1} entries; a tip may have at most {MAX_TAGS}",
    ),
    "long-title": ({"title": "T" * (MAX_TITLE + 1)}, f"'title' has {MAX_TITLE + 1} characters; at most"),
    "long-category": (
        {"categories": ["C" * (MAX_NAME + 1)]},
        f"an entry of 'categories' has {MAX_NAME + 1} characters; at most {MAX_NAME} are allowed",
    ),
    "long-tag": ({"tags": ["t" * (MAX_NAME + 1)]}, f"an entry of 'tags' has {MAX_NAME + 1} characters"),
}


def write_odd(library: Library, fields: dict[str, object]) -> str:
    """The tip written compactly (one line per key), as a hand or a script would: 90,000
    categories fit in 0.7 MB, under the file size limit."""
    data = {"title": "Odd Shape", "categories": ["Teamwork"], "body": "b", **fields}
    lines = [
        tomli_w.dumps({key: value}, multiline_strings=False).replace(",\n    ", ",")
        for key, value in data.items()
    ]
    path = library.write(
        "undated/odd-shape.toml", "".join(lines).replace("[\n    ", "[").replace(",\n]", "]")
    )
    assert path.stat().st_size < 1_000_000
    return str(path)


@pytest.mark.parametrize("case", list(CASES))
def test_check_reports_the_limit(run: Run, sample: Library, case: str) -> None:
    fields, message = CASES[case]
    path = write_odd(sample, fields)
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path}:") and message in result.stdout
    assert result.stderr == "7 tips checked, 1 error(s)\n"


@pytest.mark.parametrize("command", [("categories",), ("list",), ("week", "--short")])
def test_reader_skips_it_with_one_warning(run: Run, sample: Library, command: tuple[str, ...]) -> None:
    write_odd(sample, CASES["90000-categories"][0])
    result = run(*command)
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: skipped 1 unreadable tip file(s)")
    assert result.stderr.count("\n") == 1
    assert "C89999" not in result.stdout


def test_limits_at_the_edge_are_accepted(run: Run, sample: Library) -> None:
    write_odd(
        sample,
        {
            "title": "T" * MAX_TITLE,
            "categories": [f"C{n}" for n in range(MAX_CATEGORIES)],
            "tags": ["t" * MAX_NAME] + [f"t{n}" for n in range(MAX_TAGS - 1)],
        },
    )
    result = run("check")
    assert result.exit_code == 0, result.stdout


def test_the_documented_limits_are_the_ones_enforced() -> None:
    from tipweek import model

    assert (model.MAX_TITLE, model.MAX_CATEGORIES, model.MAX_TAGS, model.MAX_NAME) == (
        MAX_TITLE,
        MAX_CATEGORIES,
        MAX_TAGS,
        MAX_NAME,
    )
