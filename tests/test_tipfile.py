"""The tip file's rules without the model (`tipweek.tipfile`), as the index stores them.

The fast route re-reads an edited file with these, so they must give exactly what the model
and the standard library give: a `Tip` with the same fields, the id the file name's regular
expression gives, and the JSON text `json.dumps` writes.
"""

from __future__ import annotations

import dataclasses
import json
import re

from hypothesis import given
from hypothesis import strategies as st

from tipweek import tipfile
from tipweek.index.sync import json_strings
from tipweek.model import Tip, tip_from_dict
from tipweek.shapes import loads_strings

DATED_STEM = re.compile(r"^\d{4}-\d{2}-\d{2}-(.+)$")  # the rule as it was first written


def test_the_fields_are_the_tips_fields_in_order() -> None:
    assert tuple(f.name for f in dataclasses.fields(Tip)) == tipfile.FIELD_NAMES


def by_expression(name: str) -> str:
    dot = name.rfind(".")
    stem = name[:dot] if 0 < dot < len(name) - 1 else name
    match = DATED_STEM.match(stem)
    return match.group(1) if match else stem


DIGITS = st.sampled_from("0123456789٣५")  # Arabic-Indic and Devanagari digits are \d too
NAME_PARTS = st.lists(
    st.one_of(DIGITS, st.sampled_from(["-", ".", "\n", "toml", "a", " ", ".toml", "x.y"]), st.characters()),
    max_size=24,
).map("".join)


@given(
    st.one_of(
        NAME_PARTS,
        st.tuples(st.lists(DIGITS, min_size=4, max_size=4), NAME_PARTS).map(
            lambda p: f"{''.join(p[0])}-{p[1]}"
        ),
    )
)
def test_the_id_is_what_the_regular_expression_says(name: str) -> None:
    assert tipfile.tip_id(name) == by_expression(name)


def test_the_id_of_the_usual_names() -> None:
    cases = {
        "2025-06-24-greet-them.toml": "greet-them",
        "greet-them.toml": "greet-them",
        "2025-06-24-.toml": "2025-06-24-",
        "2025-6-24-greet.toml": "2025-6-24-greet",
        "2025-06-24-a.b.toml": "a.b",
        "2025-06-24-x\n.toml": "x",
        "2025-06-24-x\n\n.toml": "2025-06-24-x\n\n",
    }
    for name, expected in cases.items():
        assert tipfile.tip_id(name) == expected == by_expression(name)


@given(st.lists(st.text(), max_size=6))
def test_json_strings_is_json_dumps(items: list[str]) -> None:
    assert json_strings(items) == json.dumps(items, ensure_ascii=False)


@given(st.lists(st.text(max_size=40), max_size=12))
def test_loads_strings_reads_what_json_strings_writes(items: list[str]) -> None:
    # The index stores categories and tags with json_strings; the fast route and the index's
    # SQL function read them back with loads_strings, without importing json.
    assert loads_strings(json_strings(items)) == items
    assert loads_strings(json.dumps(items)) == items  # and ASCII-escaped JSON too


@given(
    st.fixed_dictionaries(
        {
            "title": st.text(min_size=1),
            "categories": st.lists(st.text(), min_size=1, max_size=3),
            "body": st.text(),
        },
        optional={"tags": st.lists(st.text(), max_size=3), "excerpt": st.booleans(), "summary": st.text()},
    )
)
def test_fields_become_the_same_tip(data: dict[str, object]) -> None:
    """Whatever `check` accepts or refuses, `tip_from_dict` accepts or refuses alike, and the
    fields it keeps are the tip's."""
    try:
        fields = tipfile.check(data, id="x", path="p")
    except tipfile.TipValueError as error:
        refused = str(error)
        try:
            tip_from_dict(data, id="x", path="p")
        except tipfile.TipValueError as again:
            assert str(again) == refused
        return
    tip = tip_from_dict(data, id="x", path="p")
    assert tuple(getattr(tip, name) for name in tipfile.FIELD_NAMES) == fields.values()
    assert (fields.blurb, fields.iso_date) == (tip.blurb, tip.iso_date)
    renamed = fields.with_changes(categories=("Other",))
    assert renamed.categories == ("Other",) and renamed.title == fields.title
