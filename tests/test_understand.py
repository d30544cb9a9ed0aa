"""Query understanding without the index: the query language, stop words, spelling, stems,
the thesaurus, planning concepts, and snippets."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tipweek.errors import BadInput
from tipweek.understand import english, spelling
from tipweek.understand.language import MAX_TERMS, MAX_WORDS, Term, parse
from tipweek.understand.plan import Plan, plan, word_expression
from tipweek.understand.snippets import sentences, snippet
from tipweek.understand.stemming import stems
from tipweek.understand.stopwords import is_stop_word
from tipweek.understand.thesaurus import compile_groups, load, parse_groups

S, E = "\ue000", "\ue001"


# -- the query language ---------------------------------------------------------------------


def words_of(text: str) -> list[str]:
    return [t.text for t in parse(text).terms]


@pytest.mark.parametrize(
    ("query", "terms", "excluded"),
    [
        ("angry caller", ["angry", "caller"], []),
        ("+refund angry", ["refund", "angry"], []),
        ('"waiting room" wait', ['"waiting room"', "wait"], []),
        ("caller -angry", ["caller"], ["angry"]),
        ("caller NOT angry", ["caller"], ["angry"]),
        ('caller NOT "on hold"', ["caller"], ['"on hold"']),
        ("customer is not happy", ["customer", "is", "not", "happy"], []),  # lower-case not is a word
        ("refund OR return", ["refund", "return"], []),  # alternatives are the default
        ("apolog*", ["apolog*"], []),
        ("customer's bill", ["customer", "bill"], []),  # possessive
        ("don't shout", ["don", "t", "shout"], []),  # as the index reads "don't"
        ("dont shout", ["don", "t", "shout"], []),
        ("+don't", ["don"], []),  # a required word is the word before the apostrophe, as before
        ("follow-up", ["follow up"], []),
        ("wait wait WAIT", ["wait"], []),  # repeats once
        ("like I said I would", ["like", "i", "said", "i", "would"], []),  # small words each time
        ("+to to", ["to", "to"], []),
        ("NOT", ["not"], []),  # an operator with nothing to act on is a word
        ("wait OR", ["wait", "or"], []),
        ("CAFÉ “quoted”", ["cafe", "quoted"], []),
    ],
)
def test_parse(query: str, terms: list[str], excluded: list[str]) -> None:
    parsed = parse(query)
    assert [t.text for t in parsed.terms] == terms
    assert [t.text for t in parsed.excluded] == excluded


def test_required_and_phrase_flags() -> None:
    parsed = parse('+refund +"money back" plain')
    assert [t.required for t in parsed.terms] == [True, True, False]
    assert parsed.terms[1] == Term(("money", "back"), required=True, quoted=True)
    assert parsed.terms[2].is_word and not parsed.terms[1].is_word


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty search"),
        ('"unbalanced', "unbalanced quote"),
        ("!!! ...", "nothing to search for"),
        ("-only -excluded", "not only -excluded ones"),
    ],
)
def test_parse_errors(query: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        parse(query)


def test_long_queries_are_capped() -> None:
    assert len(parse(" ".join(f"w{n}" for n in range(500))).terms) == MAX_TERMS
    # Small words typed again do not take the place of later words, up to a bound.
    padded = parse(" ".join(f"the w{n}" for n in range(MAX_TERMS - 1)))
    assert [t.text for t in padded.terms if t.text != "the"] == [f"w{n}" for n in range(MAX_TERMS - 1)]
    assert len(parse(" ".join(["the"] * 1000)).terms) == MAX_WORDS


@given(st.text(max_size=60))
def test_any_text_parses_or_is_bad_input(text: str) -> None:
    try:
        parsed = parse(text)
    except BadInput:
        return
    assert parsed.terms
    for term in (*parsed.terms, *parsed.excluded):
        assert all(token.isalnum() for token in term.tokens)


# -- stop words, spelling, stems -------------------------------------------------------------


@pytest.mark.parametrize(("word", "stop"), [("the", True), ("how", True), ("on", True), ("angry", False)])
def test_stop_words(word: str, stop: bool) -> None:
    assert is_stop_word(word) is stop


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [("refund", "refund", 0), ("refnud", "refund", 1), ("custmer", "customer", 1), ("angyr", "angry", 1),
     ("kitten", "sitting", 3)],
)  # fmt: skip
def test_distance(a: str, b: str, edits: int) -> None:
    assert spelling.distance(a, b, limit=2) == min(edits, 3)


@pytest.mark.parametrize(
    ("word", "vocabulary", "expected"),
    [
        ("custmer", {"customer": 30, "custom": 2}, "customer"),
        ("refnud", {"refund": 5, "rerun": 1}, "refund"),
        ("angy", {"angry": 3, "angle": 9}, "angry"),  # four letters: only a missing letter
        ("rude", {"rule": 9, "ride": 4}, None),  # four letters: substitutions make other words
        ("stuff", {"staff": 9}, None),  # a wrong letter in a short word: another real word
        ("refnd", {"refund": 2}, "refund"),
        ("reciept", {"receipt": 2}, "receipt"),
        ("cat", {"cart": 9}, None),  # three letters: never
        ("screming", {"screaming": 2, "steaming": 1}, "screaming"),
        ("wirte", {"write": 4, "white": 4}, "write"),  # a swap is one edit
        ("wait", {"wait": 4}, None),
    ],
)
def test_best_correction(word: str, vocabulary: dict[str, int], expected: str | None) -> None:
    assert spelling.best(word, vocabulary) == expected


@pytest.mark.parametrize(
    ("word", "vocabulary", "expected"),
    [
        ("self", {"shelf": 9}, None),  # a common word, more common than the candidate
        ("shipped", {"skipped": 4, "shopped": 1}, None),
        ("shipping", {"skipping": 4}, None),
        ("rude", {"ruder": 2}, None),  # a real word: "ruder" is no more common
        ("manger", {"manager": 3}, "manager"),  # a real word, but "manager" is far more common
        ("angy", {"angry": 3, "angle": 9}, "angry"),  # not English: corrected as before
        ("custmer", {"customer": 30, "custom": 2}, "customer"),
        ("refnd", {"refund": 2}, "refund"),
        ("recieve", {"receive": 1}, "receive"),
        ("costumer", {"customer": 5}, "customer"),  # a rare word next to a very common one
    ],
)
def test_real_english_words_are_not_corrected_into_other_words(
    word: str, vocabulary: dict[str, int], expected: str | None
) -> None:
    assert spelling.best(word, vocabulary, english.likely_typo) == expected


def test_english_frequencies() -> None:
    assert english.frequency("the") > english.frequency("customer") > english.frequency("manger") > 0
    assert english.frequency("custmer") == english.frequency("recieve") == 0
    assert english.frequency("Self") == english.frequency("self")


def test_ties_go_to_the_more_used_word() -> None:
    assert spelling.best("tame", {"tamed": 1, "tames": 7}) == "tames"


def test_suggestions_are_frequent_close_words() -> None:
    vocabulary = {"apology": 5, "apologue": 1, "zebra": 9}
    assert spelling.suggestions(["apolgy"], lambda w: vocabulary) == ["apology"]


def test_suggestions_offer_no_other_real_word() -> None:
    vocabulary = {"skipped": 4, "shopped": 3, "shipper": 2}
    assert spelling.suggestions(["shipped"], lambda w: vocabulary, likely=english.likely_typo) == []
    assert spelling.suggestions(["skiped"], lambda w: vocabulary, likely=english.likely_typo) == ["skipped"]


def test_one_edit_neighbours() -> None:
    near = spelling.one_edit("ab")
    assert {"a", "b", "ba", "abc", "xb"} <= near and "ab" not in near


def test_stems_match_the_index_stemmer() -> None:
    assert stems(["screaming", "screamed", "refunds", "raising their voice", ""]) == [
        "scream",
        "scream",
        "refund",
        "rais their voic",
        "",
    ]


# -- the thesaurus ------------------------------------------------------------------------


GROUPS = parse_groups(
    {
        "version": 1,
        "group": [
            {"words": ["angry", "irate", "furious", "raising their voice"]},
            {"words": ["refund", "money back", "reimburse"]},
            {"from": ["supervisor"], "to": ["manager"]},
            {"words": ["upset", "in a state"]},
            {"words": ["return", "bring back"]},
        ],
    }
)


def test_thesaurus_finds_groups_by_stem_and_phrase() -> None:
    thesaurus = compile_groups(GROUPS)
    tokens = ["she", "was", "screaming", "and", "raised", "her", "voice", "for", "her", "money", "back"]
    found = thesaurus.find(tokens, stems(tokens))
    assert [(m.start, m.stop) for m in found] == [(4, 7), (9, 11)]
    assert thesaurus.find(["another", "state"], stems(["another", "state"])) == []
    tokens = ["bringing", "something", "back"]  # the content words of a phrase, apart
    assert [(m.start, m.stop, m.related) for m in thesaurus.find(tokens, stems(tokens))] == [
        (0, 3, (("return",),))
    ]
    assert thesaurus.find(["in", "a", "state"], stems(["in", "a", "state"]))[0].related == (("upset",),)
    assert ("angry",) in found[0].related and ("refund",) in found[1].related
    assert ("raising", "their", "voice") not in found[0].related  # not itself


@pytest.mark.parametrize("person", ["him", "someone", "somebody", "everyone"])
def test_thesaurus_phrases_match_whoever_they_are_about(person: str) -> None:
    thesaurus = compile_groups(GROUPS)
    tokens = ["kept", "raising", person, "voice"]
    assert [(m.start, m.stop) for m in thesaurus.find(tokens, stems(tokens))] == [(1, 4)]


SLOTTED = compile_groups(
    parse_groups(
        {
            "group": [
                {"words": ["callback", "ring you back"]},
                {"words": ["promise", "said i would"]},
                {"words": ["bad news", "break it to them"]},
                {"words": ["gratitude", "thank you"]},
                {"words": ["refuse", "turn them down"]},
            ]
        }
    )
)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ring a customer back", [(0, 4, (1, 3))]),  # the slot's words are not part of it
        ("ring the old man back", [(0, 5, (1, 4))]),
        ("ring him back", [(0, 3, (0, 0))]),  # a person: the entry as written
        ("ring customers back", [(0, 3, (1, 2))]),
        ("ring one two three four back", []),  # too long a slot to be a person
        ("back ring", []),
        ("like i said i would", [(2, 5, (0, 0))]),
        ("break it to the dad", [(0, 4, (3, 4))]),  # a person at the end: the words before it
        ("break it to them gently", [(0, 4, (0, 0))]),
        ("thank the team", []),  # a one-word start is not enough for a person at the end
    ],
)
def test_thesaurus_phrasal_verbs_around_a_person(
    query: str, found: list[tuple[int, int, tuple[int, int]]]
) -> None:
    tokens = query.split()
    assert [(m.start, m.stop, m.slot) for m in SLOTTED.find(tokens, stems(tokens))] == found


def test_a_phrase_adds_its_own_words_only_when_it_has_two() -> None:
    # "turning" alone is a turning point, not a refusal; "card declined" may still find "declined".
    turning = plan(parse("turning someone down"), LIBRARY, SLOTTED).concepts[0]
    assert turning.label == "turning someone down" and not any("turning" in s for s in turning.synonyms)
    money = planned("money back").concepts[0]
    assert '"money"' in money.synonyms and '"back"' in money.synonyms


def test_plan_keeps_the_slot_words_as_concepts_of_their_own() -> None:
    planned = plan(parse("forgot to ring a customer back like I said I would"), LIBRARY, SLOTTED)
    labels = [c.label for c in planned.concepts]
    assert labels == ["forgot", "ring back", "customer", "said i would"]
    ring = planned.concepts[1]
    assert '"callback"' in ring.synonyms and "customer" not in ring.typed


def test_thesaurus_oneway_groups() -> None:
    thesaurus = compile_groups(GROUPS)
    assert thesaurus.related("supervisor") == [("manager",)]
    assert thesaurus.related("manag") == []


@pytest.mark.parametrize(
    "data",
    [{"version": 2}, {"group": {"words": []}}, {"group": [{"words": "angry"}]},
     {"group": [{"words": ["a", 1]}]}, {"group": [{"from": ["a"]}]}, {"group": ["a"]}],
)  # fmt: skip
def test_thesaurus_shape_errors(data: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        parse_groups(data)


def test_thesaurus_files_are_cached_and_bad_ones_skipped(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('version = 1\n[[group]]\nwords = ["hold", "wait", "queue"]\n')
    bad = tmp_path / "bad.toml"
    bad.write_text("[[group]\n")
    warnings: list[str] = []
    cache = tmp_path / "cache"
    thesaurus = load([good, bad, tmp_path / "missing.toml"], cache, warn=warnings.append)
    assert thesaurus.related("hold") == [("wait",), ("queue",)]
    assert len(warnings) == 1 and "bad.toml" in warnings[0]
    assert len(list(cache.glob("synonyms-*.json"))) == 1
    again = load([good, bad, tmp_path / "missing.toml"], cache, warn=warnings.append)
    assert again.related("hold") == thesaurus.related("hold") and len(warnings) == 1  # from the cache
    good.write_text('version = 1\n[[group]]\nwords = ["hold", "on hold", "queue", "line"]\n')
    assert ("line",) in load([good], cache, warn=warnings.append).related("hold")


# -- planning ----------------------------------------------------------------------------


class Words:
    """A stand-in for the index: the words its tips contain, with how many tips use each."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = counts

    def has(self, expression: str) -> bool:
        import re

        return any(
            w in self.counts or any(k.startswith(w) for k in self.counts)
            for w in re.findall(r'"([^"]+)"', expression)
            for w in [w.split()[0]]
        )

    def near(self, word: str) -> Mapping[str, int]:
        return self.counts


LIBRARY = Words({"customer": 20, "angry": 3, "shouting": 2, "refund": 4, "manager": 2, "caller": 9})


def planned(query: str, **kw: bool) -> Plan:
    return plan(parse(query), LIBRARY, compile_groups(GROUPS), **kw)


def test_plan_drops_stop_words_and_keeps_order() -> None:
    assert [c.label for c in planned("what to say to an angry customer").concepts] == [
        "say",
        "angry",
        "customer",
    ]


def test_plan_of_stop_words_only_searches_them() -> None:
    assert [c.label for c in planned("how to").concepts] == ["how", "to"]


def test_plan_adds_synonyms_separately_from_typed_words() -> None:
    [concept] = planned("irate").concepts
    assert concept.typed == '"irate"'
    assert '"angry"' in concept.synonyms and "irate" not in concept.synonyms


def test_plan_reads_thesaurus_phrases() -> None:
    [concept] = planned("wants their money back").concepts
    assert concept.label == "money back" and '"refund"' in concept.synonyms
    assert '"money"' in concept.synonyms  # its own words count too, like synonyms


def test_plan_corrects_typos_and_says_so() -> None:
    result = planned("angry custmer")
    assert result.corrections == (("custmer", "customer"),)
    assert result.searched == "angry customer"


def test_a_real_word_known_through_synonyms_is_not_a_typo() -> None:
    # "furious" is not in the library, but its group's "angry" is: no correction to anything.
    result = planned("furious")
    assert result.corrections == () and result.unknown == ()


SHOP = Words({"shelf": 3, "checkout": 2, "confused": 4, "manager": 5, "skipped": 2})


def test_a_real_word_the_library_lacks_is_kept_as_an_optional_word() -> None:
    result = plan(parse("confused by the self checkout"), SHOP, compile_groups(GROUPS))
    assert result.corrections == () and result.unknown == ("self",)
    assert [c.label for c in result.concepts] == ["confused", "self", "checkout"]
    assert result.searched == "confused by the self checkout"


def test_a_typo_that_is_a_rare_word_is_still_corrected() -> None:
    result = plan(parse("manger skiped"), SHOP, compile_groups(GROUPS))
    assert result.corrections == (("manger", "manager"), ("skiped", "skipped"))


def test_the_english_list_is_read_only_for_words_the_library_lacks() -> None:
    english._frequencies.cache_clear()
    planned("angry customer wants a refund")  # every word known: the list is not read
    assert english._frequencies.cache_info().currsize == 0
    planned("angry custmer")
    assert english._frequencies.cache_info().currsize == 1


def test_required_words_and_all() -> None:
    assert [c.required for c in planned("+refund angry customer").concepts] == [True, False, False]
    assert all(c.required for c in planned("angry customer", every=True).concepts)


def test_excluded_expression() -> None:
    assert planned('refund -online NOT "gift card"').excluded == '"online" OR "gift card"'


def test_long_words_match_their_other_forms_short_ones_do_not() -> None:
    assert word_expression("apologizing") == '"apolog" *'
    assert word_expression("waits") == '"waits"'


@pytest.mark.parametrize(
    ("word", "expression"),
    [
        ("stopped", '"stopp" * OR "stopped"'),  # stem "stop": the prefix alone matches nothing
        ("annoying", '"annoy" * OR "annoying"'),  # stem "annoi"
        ("delayed", '"delay" * OR "delayed"'),
        ("complaints", '"complaint" *'),  # the stem starts with the prefix: the prefix alone
    ],
)
def test_a_prefix_longer_than_the_stem_keeps_the_word(word: str, expression: str) -> None:
    assert word_expression(word) == expression


@pytest.mark.parametrize(
    ("word", "expression"),
    [
        ("forgot", '"forget" OR "forgot" OR "forgotten"'),  # every form, whichever was typed
        ("forget", '"forget" OR "forgot" OR "forgotten"'),
        ("told", '"tell" OR "told"'),
        ("shaken", '"shake" OR "shook" OR "shaken"'),
        ("left", '"left"'),  # a direction as often as a verb: not joined to "leave"
    ],
)
def test_irregular_verbs_are_one_word(word: str, expression: str) -> None:
    assert word_expression(word) == expression


# -- snippets ------------------------------------------------------------------------------


def test_sentences_are_plain_text() -> None:
    markdown = (
        "When **Ana** took the call, she *listened*.\n\n- Say `sorry` once.\n- Then [act](http://x).\n"
        "\n## Next\n\n1. Follow __up__."
    )
    assert sentences(markdown) == [
        "When Ana took the call, she listened.",
        "Say sorry once.",
        "Then act.",
        "Next",
        "Follow up.",
    ]


def test_snippet_shows_the_sentence_with_most_matched_words() -> None:
    body = (
        f"A long story about nothing. Another sentence about the {S}queue{E}.\n\n"
        f"- When a {S}caller{E} is {S}angry{E}, lower your voice.\n- Then **act**."
    )
    text = snippet([body], S, E, width=60)
    assert text.startswith("…When a ") and f"{S}angry{E}" in text
    assert "**" not in text and "- " not in text


def test_snippet_without_a_marked_word_starts_the_body() -> None:
    assert snippet(["First **one**. Second.", "summary"], S, E) == "First one. Second."


def test_long_sentences_are_cut_at_word_boundaries() -> None:
    words = " ".join(f"word{n}" for n in range(100))
    body = f"{words} {S}target{E} {words}."
    text = snippet([body], S, E, width=80)
    assert text.startswith("…") and text.endswith("…") and f"{S}target{E}" in text
    inner = text.strip("…").replace(S, "").replace(E, "").split()
    assert all(w.startswith("word") or w == "target" for w in inner)


@pytest.mark.parametrize("query", ["laptop won't turn on", "laptop wont turn on", "laptop won’t turn on"])
def test_negative_contractions_find_thesaurus_phrases(query: str) -> None:
    thesaurus = compile_groups(parse_groups({"group": [{"words": ["faulty", "won't turn on"]}]}))
    concepts = plan(parse(query), LIBRARY, thesaurus).concepts
    assert [c.label for c in concepts] == ["laptop", "won t turn on"]
    assert concepts[1].synonyms == ('"fault" *',)  # faulty
