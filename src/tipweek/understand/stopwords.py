"""Words that carry the grammar of a question, not its subject.

"what to say to an angry customer" is about anger and customers; "what", "to" and "an" match
nearly every tip and must never decide a result. Stop words are dropped from a query unless
they are all it has (then they are searched for as they are), typed with +, or inside a
"quoted phrase". Ordinary but meaningful words ("say", "customer", "call") are not here: rarity
weighting already makes a word found in most tips count little.
"""

from __future__ import annotations

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can cannot could couldn did didn do does doesn doing
    don down during each else ever every few for from further had hadn has hasn have haven
    having he her here hers herself him himself his how however i if im in into is isn it its
    itself ive just let lets like ll me might mine more most must mustn my myself no nor not
    now of off on once only or other ought our ours ourselves out over own re same shall shan
    she should shouldn so some such than that thats the their theirs them themselves then there
    these they theyre this those through thus to too under until up upon us ve very was wasn we
    were weren what whats when whenever where whether which while who whom whose why will with
    won would wouldn yet you youd youll your youre yours yourself yourselves s t d m
    """.split()  # noqa: SIM905 (a list that reads as prose)
)

#: Words people use to frame a request rather than describe a situation; stop words too.
FRAMING_WORDS = frozenset(
    """
    deal dealing handle handling help tip tips way ways best good need needs want wants get
    gets got getting keep keeps kept someone somebody something thing things really sure
    """.split()  # noqa: SIM905 (a list that reads as prose)
)

IGNORED = STOP_WORDS | FRAMING_WORDS


def is_stop_word(word: str) -> bool:
    return word in IGNORED
