"""Hostile titles and ids never lead a write outside the library folder, nor to an unsafe
or reserved file name; hostile ids on the command line are a clean not-found."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from tests.conftest import Library, Run

from tipweek.errors import LibraryError
from tipweek.library import LibrarySource, relative_tip_path, write_tip
from tipweek.model import Tip

UNDATED = re.compile(r"^undated/[a-z0-9-]+\.toml$")
DATED = re.compile(r"^\d{4}/\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.toml$")
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}

HOSTILE = {
    "dotdot": ("../../x", "x"),
    "absolute": ("/etc/passwd", "etc-passwd"),
    "con": ("con", "con-tip"),
    "nul-upper": ("NUL", "nul-tip"),
    "lpt1": ("lpt1", "lpt1-tip"),
    "slash": ("a/b", "a-b"),
    "backslash": ("a\\..\\..\\b", "a-b"),
    "hidden": (".hidden", "hidden"),
    "only-dots": ("...", "tip"),
    "only-symbols": ("/\\:*?<>|", "tip"),
    "controls": ("\x1b[31mred\x00\u202e", "31mred"),
    "long": ("Long " * 60, "-".join(["long"] * 16)),
    "accents": ("Café déjà vu", "cafe-deja-vu"),
    "tilde-home": ("~/.ssh/id", "ssh-id"),
}


def check_name(relative: Path, dated: bool) -> None:
    text = relative.as_posix()
    assert (DATED if dated else UNDATED).match(text), text
    stem = relative.stem[11:] if dated else relative.stem
    assert stem not in RESERVED
    assert not stem.startswith(("-", "."))
    assert len(relative.name) <= 80 + len("2026-11-24-.toml")


@pytest.mark.parametrize("case", list(HOSTILE))
@pytest.mark.parametrize("as_id", [False, True], ids=["title", "id"])
@pytest.mark.parametrize("date", [None, dt.date(2026, 11, 24)], ids=["undated", "dated"])
def test_relative_path_is_safe(case: str, as_id: bool, date: dt.date | None) -> None:
    value, slug = HOSTILE[case]
    tip = Tip(id=value if as_id else "", title=value if value.strip() else "t", categories=("x",), date=date)
    relative = relative_tip_path(tip)
    check_name(relative, date is not None)
    assert relative.stem.endswith(slug)


@pytest.mark.parametrize("case", list(HOSTILE))
def test_write_tip_stays_inside_the_library(tmp_path: Path, case: str) -> None:
    root = tmp_path / "lib"
    value, slug = HOSTILE[case]
    tip = Tip(id=value, title=value, categories=("x",), body="b", date=dt.date(2026, 11, 24))
    before = {p for p in tmp_path.rglob("*") if p.is_file()}  # the isolated home's cache
    path = write_tip(LibrarySource("mine", root, writable=True), tip)
    resolved = path.resolve()
    assert root.resolve() in resolved.parents
    assert resolved == (root / "2026" / f"2026-11-24-{slug}.toml").resolve()
    assert [p for p in tmp_path.rglob("*") if p.is_file() and p not in before] == [path]


@pytest.mark.parametrize("target", ["../outside.toml", "/tmp/outside.toml", "sub/../../outside.toml"])
def test_write_tip_refuses_an_explicit_path_outside(tmp_path: Path, target: str) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    tip = Tip(id="x", title="X", categories=("x",), body="b")
    with pytest.raises(LibraryError, match="refusing to write outside the library folder"):
        write_tip(
            LibrarySource("mine", root, writable=True),
            tip,
            path=Path(target) if target.startswith("/") else root / target,
        )
    assert not (tmp_path / "outside.toml").exists()


def test_write_tip_refuses_a_read_only_library(tmp_path: Path) -> None:
    tip = Tip(id="x", title="X", categories=("x",), body="b")
    before = sorted(tmp_path.rglob("*"))  # the isolated home's cache
    with pytest.raises(LibraryError, match="read-only"):
        write_tip(LibrarySource("bundled", tmp_path, writable=False), tip)
    assert sorted(tmp_path.rglob("*")) == before


def test_write_tip_does_not_overwrite(tmp_path: Path) -> None:
    source = LibrarySource("mine", tmp_path / "lib", writable=True)
    tip = Tip(id="x", title="X", categories=("x",), body="first")
    path = write_tip(source, tip)
    with pytest.raises(LibraryError, match="already exists"):
        write_tip(source, tip.with_changes(body="second"))
    assert "first" in path.read_text()


@pytest.mark.parametrize(
    "wanted",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "../2026/2026-11-03-greet-the-second-customer",
        "con",
        "a/b",
        ".hidden",
        "undated/../../x",
    ],
)
def test_show_with_a_path_is_a_clean_not_found(sample: Library, run: Run, wanted: str) -> None:
    result = run("show", wanted)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: no tip with id '{wanted}'")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_show_blank_id_is_bad_input(sample: Library, run: Run) -> None:
    result = run("show", "  ")
    assert result.exit_code == 2
    assert result.stderr == "error: empty tip id\n"


def test_show_a_300_character_id(sample: Library, run: Run) -> None:
    result = run("show", "x" * 300)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no tip with id '" + "x" * 59 + "…'")
    assert result.stderr.count("\n") == 1
