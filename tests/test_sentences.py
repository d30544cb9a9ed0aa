"""Whole sentences for imported summaries: teasers cut after a whole sentence, posts opened
with one or two sentences, never a word cut in half."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tipweek import sentences


@pytest.mark.parametrize(
    ("teaser", "summary"),
    [
        ("One whole sentence. Then a cut sen", "One whole sentence. …"),
        ("First. Second one here! Third is cut", "First. Second one here! …"),
        ("Is it? Yes “it is.” And then", "Is it? Yes “it is.” …"),
        ("It trailed off… And the rest", "It trailed off…"),
        ("Ask Dr. Lee first. She knows the", "Ask Dr. Lee first. …"),
        ("Meet at 9 a.m. sharp and then", "Meet at 9 a.m. sharp…"),
        ("Call J. Smith today, not tomor", "Call J. Smith today, not…"),
        ("A single long sentence that is cut off mid-wo", "A single long sentence that is cut off…"),
        ("Cut after a comma, and", "Cut after a comma…"),
        ("It ends here.", "It ends here. …"),
        ("prices rose 3.5 percent. Then we", "prices rose 3.5 percent. …"),
    ],
)
def test_cut_teaser(teaser: str, summary: str) -> None:
    assert sentences.cut_teaser(teaser)[0] == summary


@pytest.mark.parametrize(
    ("paragraphs", "summary"),
    [
        (["Short hook. Then the real point of the post, in a sentence of its own."], 2),
        (["Why do people wait? Because nobody told them how long it would take."], 2),
        (["A first sentence long enough to stand as the summary by itself, with detail. More."], 1),
        (["- a list item first", "Then prose that says what the post is about, at some length."], 1),
        (["No sentence end here"], 0),
    ],
)
def test_opening_takes_one_sentence_or_two_after_a_hook(paragraphs: list[str], summary: int) -> None:
    text, how = sentences.opening(paragraphs)
    assert len(sentences.split(text)) == summary if summary else text == ""
    assert how


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEF", min_size=1, max_size=9)
PIECE = st.one_of(WORD, WORD.map(lambda w: w + "."), WORD.map(lambda w: w + "?"), WORD.map(lambda w: w + ","))


@given(st.lists(PIECE, min_size=1, max_size=40))
def test_a_teaser_summary_never_ends_inside_a_word(words: list[str]) -> None:
    text = " ".join(words)
    summary, _ = sentences.cut_teaser(text)
    if not summary:
        return
    assert summary.endswith("…")
    kept = summary.removesuffix("…").rstrip()
    assert text.startswith(kept)
    assert not text[len(kept) : len(kept) + 1].isalnum()  # a whole word, never part of one
    assert kept.endswith((".", "?")) or len(kept.split()) < len(words) or len(words) == 1
