"""Search: matching rules, ranking, output, and the index keeping itself current."""

import json
import os
import sqlite3
from pathlib import Path

import pytest
from tests.conftest import Library, Run


@pytest.fixture
def lib(library: Library) -> Library:
    library.add(
        "Calm an Angry Caller",
        "2026-01-06",
        ("Phone & Email",),
        body="When a caller shouts, lower your voice and let them finish.",
        takeaway="Listen first.",
        tags=["phone"],
    )
    library.add(
        "Waiting Room Updates",
        "2026-02-03",
        ("Healthcare",),
        body="Patients in the waiting room want to know how long. Tell them you're sorry for the wait.",
        takeaway="Narrate the wait.",
    )
    library.add(
        "Own the Mistake",
        "2026-03-03",
        ("Service Recovery",),
        body="A sincere apology beats an excuse. Say what happens next.",
        summary="How to apologize well.",
    )
    library.add(
        "Café Counter Regulars",
        "2026-04-07",
        ("Business Advice",),
        body="Greet the regulars at the café by name; a caller on the phone can wait a moment.",
    )
    library.add(
        "Refunds Without Questions",
        "2026-05-05",
        ("Business Advice", "Service Recovery"),
        body="Take the return online or in the shop without an interrogation.",
    )
    return library


def ids(run: Run, *query: str) -> list[str]:
    result = run("search", *query, "--json")
    assert result.exit_code == 0, result.stderr
    return [t["id"] for t in json.loads(result.stdout)]


def test_every_word_is_optional_and_more_matched_words_rank_first(lib: Library, run: Run) -> None:
    assert ids(run, "angry", "caller") == ["calm-an-angry-caller", "cafe-counter-regulars"]
    assert ids(run, "angry", "caller", "--all") == ["calm-an-angry-caller"]
    assert ids(run, "lighthouse", "regulars") == ["cafe-counter-regulars"]  # unknown words do no harm


def test_title_match_ranks_above_body_match(lib: Library, run: Run) -> None:
    # "caller" is in one title and in another tip's body only.
    assert ids(run, "caller") == ["calm-an-angry-caller", "cafe-counter-regulars"]


def test_phrases(lib: Library, run: Run) -> None:
    assert ids(run, '"waiting room"') == ["waiting-room-updates"]
    result = run("search", '"room waiting"')
    assert result.exit_code == 1


def test_prefix_or_and_exclusion(lib: Library, run: Run) -> None:
    assert ids(run, "regul*") == ["cafe-counter-regulars"]
    assert {"refunds-without-questions", "own-the-mistake"} <= set(ids(run, "refunds", "OR", "apology"))
    assert ids(run, "caller", "NOT", "angry") == ["cafe-counter-regulars"]
    assert ids(run, "+angry", "caller") == ["calm-an-angry-caller"]
    assert ids(run, "caller", "-angry") == ["cafe-counter-regulars"]
    assert ids(run, "-angry", "caller") == ["cafe-counter-regulars"]
    assert ids(run, "caller", "-hold", "-cash", "-nope") == ["calm-an-angry-caller", "cafe-counter-regulars"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("apologize", "own-the-mistake"),  # apology / apologize
        ("waits", "waiting-room-updates"),
        ("refund", "refunds-without-questions"),
        ("cafe", "cafe-counter-regulars"),  # accents ignored
        ("CAFÉ", "cafe-counter-regulars"),
        ("you’re sorry", "waiting-room-updates"),  # curly quote = straight quote
        ("you're sorry", "waiting-room-updates"),
    ],
)
def test_forgiving_matching(lib: Library, run: Run, query: str, expected: str) -> None:
    assert ids(run, *query.split())[0] == expected


def test_filters(lib: Library, run: Run) -> None:
    assert ids(run, "caller", "--category", "phone-email") == ["calm-an-angry-caller"]
    assert ids(run, "caller", "--since", "2026-03-01") == ["cafe-counter-regulars"]
    assert ids(run, "caller", "--until", "2026-01-31") == ["calm-an-angry-caller"]


def test_text_output_highlights_and_json_adds_score(lib: Library, run: Run) -> None:
    result = run("search", "waiting room")
    assert "Waiting Room Updates" in result.stdout
    assert "Tue 3 Feb 2026" in result.stdout and "Healthcare" in result.stdout
    hit = json.loads(run("search", "waiting", "--json").stdout)[0]
    assert hit["score"] > 0 and "waiting" in hit["snippet"].lower()
    assert {"id", "title", "date", "categories", "body", "excerpt"} <= set(hit)


def test_a_typo_is_corrected_and_stderr_says_so(lib: Library, run: Run) -> None:
    result = run("search", "apolgy", "--json")
    assert result.exit_code == 0
    assert result.stderr == 'showing results for "apology"\n'
    assert json.loads(result.stdout)[0]["id"] == "own-the-mistake"


def test_no_results_suggests_frequent_words(lib: Library, run: Run) -> None:
    lib.add("Another Caller", "2026-06-02", ("Phone & Email",), body="A caller on the phone.")
    result = run("search", "+caler")  # a required word is never corrected
    assert result.exit_code == 1
    assert result.stderr == "error: no tips match '+caler' (did you mean: caller?)\n"
    assert result.stdout == ""


def test_stop_words_never_decide_a_result(lib: Library, run: Run) -> None:
    # "for" and "the" are in other tips; only "refunds" says what the search is about.
    assert ids(run, "what", "to", "do", "for", "the", "refunds") == ["refunds-without-questions"]
    assert ids(run, "on") == ids(run, "on", "--all")  # a query of stop words only searches them


@pytest.mark.parametrize(
    "args",
    [
        ("caller", "-n", "1"),
        ("-n", "1", "caller"),
        ("caller", "--limit=1"),
        ("-n1", "caller"),
        ("caller", "-c", "Phone & Email"),
        ("caller", "--category", "phone-email", "-n", "5"),
        ("--since", "2026-01-01", "caller", "--until", "2026-01-31"),
    ],
)
def test_options_anywhere_among_the_words(lib: Library, run: Run, args: tuple[str, ...]) -> None:
    assert ids(run, *args) == ["calm-an-angry-caller"]


@pytest.mark.parametrize("args", [("-h",), ("refund", "-h"), ("--help", "refund")])
def test_help_anywhere(lib: Library, run: Run, args: tuple[str, ...]) -> None:
    result = run("search", *args)
    assert result.exit_code == 0 and "Examples" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [(("refund", "-n"), "requires an argument"), (("refund", "--limt", "2"), "no such option: --limt")],
)
def test_bad_options_are_usage_errors(lib: Library, run: Run, args: tuple[str, ...], message: str) -> None:
    result = run("search", *args)
    assert result.exit_code == 2 and message in result.stderr


def test_snippets_are_plain_text_around_the_match(library: Library, run: Run) -> None:
    body = (
        "**Ana** took the call at the *front* desk.\n\n"
        "- When someone is **furious**, stop talking.\n- Then `listen`.\n\n"
        + " ".join(["Filler sentence about nothing much."] * 20)
    )
    library.add("A Story", "2026-01-06", body=body, tags=["furious callers"])
    result = run("search", "furious", "--json")
    snippet = json.loads(result.stdout)[0]["snippet"]
    assert snippet.startswith("…When someone is furious, stop talking.")
    assert not any(mark in snippet for mark in ("**", "`", "- ", "* ")) and "callers" not in snippet
    assert len(snippet) < 200


@pytest.mark.parametrize("query", ['"', "!!!", "'\"unbalanced", "-only", "...", "*"])
def test_bad_queries_exit_2(lib: Library, run: Run, query: str) -> None:
    result = run("search", "--", query)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("query", ["NEAR(", "a:b", "^start", "col:caller", "AND", "NOT", "(", ")", "x + y"])
def test_fts_syntax_is_never_syntax(lib: Library, run: Run, query: str) -> None:
    result = run("search", "--", query)
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr


def test_index_follows_added_changed_and_deleted_files(lib: Library, run: Run) -> None:
    assert run("search", "lighthouse").exit_code == 1
    path = lib.add("Lighthouse Keeping", "2026-06-02", ("Teamwork",))
    assert ids(run, "lighthouse") == ["lighthouse-keeping"]
    text = path.read_text().replace("Lighthouse Keeping", "Harbour Pilot").replace("lighthouse", "harbour")
    with open(path, "w") as handle:  # in place: the folder's time does not change
        handle.write(text + "\n")
    assert ids(run, "harbour") == ["lighthouse-keeping"]
    assert run("search", "lighthouse").exit_code == 1
    path.unlink()
    assert run("search", "harbour").exit_code == 1
    assert run("show", "lighthouse-keeping").exit_code == 1


def cache_files(home: Path) -> list[Path]:
    return sorted((home / "cache").glob("index-*.sqlite3"))


@pytest.mark.parametrize("damage", [b"", b"garbage" * 1000, b"SQLite format 3\x00" + b"\x07" * 5000])
def test_corrupt_index_is_rebuilt_with_one_warning(
    lib: Library, run: Run, isolated: Path, damage: bytes
) -> None:
    assert ids(run, "caller")
    [db] = cache_files(isolated)
    for extra in db.parent.glob(db.name + "-*"):
        extra.unlink()
    db.write_bytes(damage)
    result = run("search", "caller", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 2
    assert len(result.stderr.strip().splitlines()) <= 1


def test_old_index_version_is_rebuilt(lib: Library, run: Run, isolated: Path) -> None:
    assert ids(run, "caller")
    [db] = cache_files(isolated)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 1")
    result = run("search", "caller", "--json")
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 2
    assert "another version" in result.stderr


def test_unusable_cache_dir_falls_back_to_files(lib: Library, run: Run, isolated: Path) -> None:
    blocker = isolated / "cache-is-a-file"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")
    result = run("search", "caller", "--json", env={"TIP_CACHE_DIR": str(blocker)})
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 2
    assert result.stderr.count("warning") == 1


def test_reindex(lib: Library, run: Run, isolated: Path) -> None:
    result = run("reindex")
    assert result.exit_code == 0
    assert "indexed 5 tips" in result.stdout
    assert cache_files(isolated)


def test_index_lives_in_the_cache_dir_not_the_library(lib: Library, run: Run, isolated: Path) -> None:
    run("search", "caller")
    assert not [p for p in lib.root.rglob("*") if p.suffix != ".toml" and p.is_file()]
    assert cache_files(isolated)


def test_concurrent_commands_share_the_index(lib: Library, isolated: Path) -> None:
    import subprocess
    import sys

    for n in range(20):
        lib.add(f"Extra Tip {n}", f"2025-{n % 12 + 1:02d}-0{n % 9 + 1}", ("Teamwork",))
    env = os.environ.copy()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tipweek", "search", "extra", "--json", "--limit", "50"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for _ in range(4)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert len(json.loads(out)) == 20
    [db] = cache_files(isolated)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM tips").fetchone()[0] == 25


def test_search_never_shows_a_tip_replaced_by_a_later_library(lib: Library, run: Run, tmp_path: Path) -> None:
    lib.add("Harbour Rules", "2026-06-02", ("Teamwork",), slug="harbour", body="Old wording about tides.")
    later = Library(tmp_path / "later")
    later.add("Harbour Rules, Revised", "2026-06-02", ("Teamwork",), slug="harbour", body="New wording.")
    args = ("--library", str(later.root), "search")
    assert run(*args, "tides").exit_code == 1
    hits = json.loads(run(*args, "harbour", "--json").stdout)
    assert [(h["id"], h["title"]) for h in hits] == [("harbour", "Harbour Rules, Revised")]


def test_a_library_folder_that_disappears_leaves_the_index(
    lib: Library, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    # As in a large library, where each command compares only a slice of the file times.
    monkeypatch.setattr("tipweek.index.watch.FULL_CHECK", 0)
    monkeypatch.setattr("tipweek.index.watch.CHECK_BUDGET", 1)
    lib.write("loose-tip.toml", 'title = "Loose Caller Tip"\ncategories = ["Teamwork"]\nbody = "A caller."\n')
    assert "loose-tip" in ids(run, "caller")  # a tip right in the library folder, not in a year
    shutil.rmtree(lib.root)
    result = run("list", "--json")
    assert json.loads(result.stdout) == []
    assert result.stderr.splitlines() == [f"warning: library folder not found: {lib.root}"]


@pytest.fixture
def thesaurus_lib(library: Library, isolated: Path) -> Library:
    library.add("Zorble Day", "2026-01-06", body="Plain words here.", tags=["zorble"])
    library.add("Plain Day", "2026-01-13", body="A quaffle in the story, and a quaffle again.")
    library.add("Other Day", "2026-01-20", body="Nothing to see.")
    isolated.mkdir(parents=True, exist_ok=True)
    (isolated / "mine.toml").write_text('version = 1\n[[group]]\nwords = ["zorble", "quaffle"]\n')
    (isolated / "config.toml").write_text('synonyms = "mine.toml"\n')
    return library


def test_synonyms_count_for_less_than_the_word_typed(thesaurus_lib: Library, run: Run) -> None:
    assert ids(run, "zorble") == ["zorble-day", "plain-day"]
    assert ids(run, "quaffle") == ["plain-day", "zorble-day"]
    hits = json.loads(run("search", "quaffle", "--json").stdout)
    assert hits[0]["score"] > hits[1]["score"] > 0


def test_synonyms_beside_a_library(thesaurus_lib: Library, run: Run, isolated: Path) -> None:
    (isolated / "config.toml").unlink()
    assert ids(run, "zorble") == ["zorble-day"]
    (thesaurus_lib.root / "synonyms.toml").write_text(
        'version = 1\n[[group]]\nwords = ["zorble", "quaffle"]\n'
    )
    assert ids(run, "zorble") == ["zorble-day", "plain-day"]
    assert run("check").exit_code == 0  # the library's thesaurus is not a tip


def test_a_broken_synonyms_file_is_skipped_with_one_warning(
    thesaurus_lib: Library, run: Run, isolated: Path
) -> None:
    (isolated / "mine.toml").write_text("[[group]\n")
    result = run("search", "zorble", "--json")
    assert result.exit_code == 0
    assert [t["id"] for t in json.loads(result.stdout)] == ["zorble-day"]
    assert result.stderr.startswith("warning: synonyms file ") and result.stderr.count("\n") == 1


@pytest.fixture
def verbs(library: Library) -> Library:
    library.add("Tell Them Early", "2026-01-06", ("Communication",), body="Tell it once.")
    library.add("Quiet Exit", "2026-02-03", ("Communication",), body="She told me goodbye and left.")
    library.add("Greeting Habit", "2026-03-03", ("Communication",), body="Tell them hello first.")
    library.add("Thanks Habit", "2026-04-07", ("Communication",), body="Tell them thanks at the end.")
    library.add(
        "Forgotten Promises", "2026-05-05", ("Communication",), body="Write it where you will see it."
    )
    library.add("Plain Notes", "2026-06-02", ("Communication",), body="Nothing new to say yet.")
    return library


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("forgot", "forgotten-promises"),  # irregular forms are the same word
        ("said", "plain-notes"),
        ("tell", "tell-them-early"),
        # The rare form does not outweigh the common one: the title wins.
        ("told", "tell-them-early"),
    ],
)
def test_irregular_verbs_find_every_form(verbs: Library, run: Run, query: str, first: str) -> None:
    found = ids(run, query)
    assert found[0] == first
    if query.startswith("t"):
        assert set(found) == {"tell-them-early", "quiet-exit", "greeting-habit", "thanks-habit"}
