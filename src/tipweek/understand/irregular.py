"""The forms of irregular English verbs, which no stemmer joins.

Porter's stemmer makes "forgetting" and "forgets" one word, but not "forgot": staff type the
past ("I forgot to call her back", "he told me", "she broke down") while tips give advice in
the present ("it is easy to forget", "tell them"). A search for any form of these verbs also
looks for the others, as the same word (not as a synonym).

Left out on purpose: forms that are common words of another meaning in front-line work
("left", "found", "saw", "lay", "bore", "wound", "rose", "fell", "ground", "felt", "lead",
and verbs whose forms are all alike ("put", "cut"). "be", "do", "have" and "get" are stop
words.
"""

from __future__ import annotations

from functools import cache

#: Each line: the plain form, then the other forms (past, past participle, third person).
VERBS = """
begin began begun
break broke broken
bring brought
buy bought
catch caught
choose chose chosen
come came
drive drove driven
eat ate eaten
forget forgot forgotten
forgive forgave forgiven
freeze froze frozen
give gave given
go went gone goes
hang hung
hear heard
hide hid hidden
hold held
keep kept
know knew known
lose lost
make made
mean meant
meet met
pay paid
ring rang rung
run ran
say said says
sell sold
send sent
shake shook shaken
sit sat
sleep slept
speak spoke spoken
spend spent
stand stood
steal stole stolen
swear swore sworn
take took taken
teach taught
tear tore torn
tell told
think thought
throw threw thrown
understand understood
wake woke woken
wear wore worn
write wrote written
"""


@cache
def _forms() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in VERBS.split("\n"):
        forms = tuple(line.split())
        for form in forms:
            table[form] = forms
    return table


def verb_forms(word: str) -> tuple[str, ...]:
    """All forms of the irregular verb `word` is a form of, plain form first; () for others."""
    return _forms().get(word, ())
