"""How the index stores tips compactly: text packed with a dictionary trained on the library,
a file's path as its folder plus a name, and a tip's category rows found from the tip itself."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipweek.index import open_store, schema
from tipweek.library import LibrarySource
from tipweek.store import Filters

WORDS = ("caller", "refund", "queue", "ticket", "apology", "follow", "promise", "the", "a", "and")


def write_tip(folder: Path, slug: str, *, categories: str = '["Teamwork"]', body: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.toml"
    text = body or f"Say what happens next to the {slug} caller, then do it."
    path.write_text(
        f'title = "Tip {slug}"\ndate = 2025-03-01\ncategories = {categories}\nbody = """\n{text}\n"""\n',
        encoding="utf-8",
    )
    return path


def sample_texts(count: int) -> list[str]:
    """Plain sentences from a small vocabulary, different for each n."""
    return [
        " ".join(WORDS[(n * 7 + k * k) % len(WORDS)] for k in range(40 + n % 13)) + "." for n in range(count)
    ]


text_fields = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=60, deadline=None)
@given(summary=text_fields, blurb=text_fields, body=text_fields, trained=st.booleans())
def test_pack_gives_back_every_field(summary: str, blurb: str, body: str, trained: bool) -> None:
    zdict = schema.train(sample_texts(30)) if trained else None
    assert schema.unpack(schema.pack(summary, blurb, body, zdict), zdict) == (summary, blurb, body)


def test_a_trained_dictionary_packs_the_librarys_text_smaller() -> None:
    texts = sample_texts(300)
    zdict = schema.train(texts[:100])
    assert 0 < len(zdict) <= schema.DICTIONARY
    alone = sum(len(schema.pack("", "", t)) for t in texts[100:])
    primed = sum(len(schema.pack("", "", t, zdict)) for t in texts[100:])
    assert primed < 0.8 * alone


def test_training_on_nothing_repeated_gives_no_dictionary() -> None:
    assert schema.train(["one two three"]) == b""


def test_a_first_build_trains_the_dictionary_and_reads_back_every_tip(tmp_path: Path) -> None:
    texts = sample_texts(40)
    for n, text in enumerate(texts):
        write_tip(tmp_path / "lib" / str(2000 + n % 4), f"tip-{n:02d}", body=text)
    with open_store([LibrarySource("team", tmp_path / "lib")], tmp_path / "cache", warn=pytest.fail) as index:
        zdict = schema.zdict(index.db)
        assert zdict is not None and b" caller" in zdict
        assert sorted(t.body.strip() for t in index.tips(Filters())) == sorted(texts)
        rebuilt = index.rebuild()
        assert rebuilt == 40 and schema.zdict(index.db) == zdict


def test_paths_are_stored_once_per_folder_and_read_back_whole(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    good = write_tip(lib / "2025" / "march", "kept")
    bad = lib / "2025" / "broken.toml"
    bad.write_text("title = \n", encoding="utf-8")
    with open_store([LibrarySource("team", lib)], tmp_path / "cache", warn=lambda _: None) as index:
        assert [t.path for t in index.tips(Filters())] == [str(good)]
        assert [p.path for p in index.problems] == [str(bad)]
        assert [path for _, path in index.holders("kept")] == [str(good)]
        names = index.db.execute("SELECT d.path, f.name FROM files f JOIN dirs d ON d.id = f.dir").fetchall()
    assert sorted(tuple(r) for r in names) == sorted(
        [(str(good.parent), "/kept.toml"), (str(lib / "2025"), "/broken.toml")]
    )


@pytest.mark.parametrize("categories", ['["Teamwork", "Phone Skills"]', '["!!!", "???"]'])
def test_a_tips_category_rows_leave_with_it(tmp_path: Path, categories: str) -> None:
    """Categories without letters share the empty key: both rows are kept, and both go when
    the file changes or goes."""
    lib = tmp_path / "lib"
    path = write_tip(lib, "moving", categories=categories)
    write_tip(lib, "staying")
    source = LibrarySource("team", lib)
    with open_store([source], tmp_path / "cache", warn=pytest.fail) as index:
        rows = index.db.execute("SELECT count(*) FROM tip_categories").fetchone()[0]
        assert rows == 3
    write_tip(lib, "moving", categories='["Retail"]')
    with open_store([source], tmp_path / "cache", warn=pytest.fail) as index:
        index.refresh(full=True)
        assert {c.name: c.tips for c in index.categories()} == {"Teamwork": 1, "Retail": 1}
        keys = sorted(r[0] for r in index.db.execute("SELECT key FROM tip_categories WHERE visible = 1"))
        assert keys == ["retail", "teamwork"]
    path.unlink()
    with open_store([source], tmp_path / "cache", warn=pytest.fail) as index:
        assert {c.name: c.tips for c in index.categories()} == {"Teamwork": 1}
        assert index.db.execute("SELECT count(*) FROM tip_categories").fetchone()[0] == 1


def test_the_full_text_index_forgets_an_edited_tips_words(tmp_path: Path) -> None:
    """Deleting a tip's full-text rows needs its text exactly as indexed (external content):
    the blurb and tags the index derives must match what it stored."""
    lib = tmp_path / "lib"
    write_tip(lib, "edited", body="Mention the lighthouse keeper.")
    source = LibrarySource("team", lib)
    open_store([source], tmp_path / "cache", warn=pytest.fail).close()
    write_tip(lib, "edited", body="Mention the harbour pilot.")
    with open_store([source], tmp_path / "cache", warn=pytest.fail) as index:
        index.refresh(full=True)
        db: sqlite3.Connection = index.db
        assert db.execute("SELECT rowid FROM fts WHERE fts MATCH 'lighthouse'").fetchall() == []
        assert len(db.execute("SELECT rowid FROM fts WHERE fts MATCH 'harbour'").fetchall()) == 1
        assert db.execute("INSERT INTO fts(fts, rank) VALUES ('integrity-check', 1)") is not None
        counts = dict(db.execute("SELECT term, doc FROM words_vocab").fetchall())
        assert "lighthouse" not in counts and counts["harbour"] == 1 and counts["mention"] == 1
        assert counts["tip"] == 1  # the title's word, counted once per tip


def test_word_counts_are_the_tips_using_each_word(tmp_path: Path) -> None:
    """Spelling reads the library's words with how many tips use each; they are counted
    as tips come and go (a word used twice in one tip counts once)."""
    lib = tmp_path / "lib"
    write_tip(lib, "one", body="Refund the refund.")
    write_tip(lib, "two", body="Refund it, with an apology.")
    gone = write_tip(lib, "three", body="An apology first.")
    source = LibrarySource("team", lib)
    with open_store([source], tmp_path / "cache", warn=pytest.fail) as index:
        counts = dict(index.db.execute("SELECT term, doc FROM words_vocab").fetchall())
        assert (counts["refund"], counts["apology"], counts["first"]) == (2, 2, 1)
    gone.unlink()
    with open_store([source], tmp_path / "cache", warn=pytest.fail) as index:
        counts = dict(index.db.execute("SELECT term, doc FROM words_vocab").fetchall())
        assert (counts["refund"], counts["apology"], "first" in counts) == (2, 1, False)
        assert index.db.execute("SELECT count(*) FROM word_load_vocab").fetchone()[0] == 0
