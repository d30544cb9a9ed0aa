"""Curation: the tips a user retired with `tip hide`, and the checks `tip check` adds on top
of reading files (excerpts without a summary, takeaways repeated in the body, aliases that
point nowhere).

The hidden list lives in the user's data folder (`hidden.toml`), never in a library: the
bundled library is read-only, and hiding a tip must not need write access to a shared one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from tipweek.categories import Aliases
from tipweek.errors import LibraryError
from tipweek.library import Problem
from tipweek.model import Tip
from tipweek.text import category_key, fold, one_line

HIDDEN_HEADER = "# Tips retired with `tip hide`; `tip unhide ID` brings one back.\n"
MAX_HIDDEN_BYTES = 1_000_000


def read_hidden(path: Path) -> frozenset[str]:
    """The hidden ids; a missing file means none."""
    from tipweek.fsutil import NotRegularFile, TooLarge, read_limited

    try:
        data = read_limited(path, MAX_HIDDEN_BYTES)
    except FileNotFoundError:
        return frozenset()
    except (OSError, NotRegularFile, TooLarge) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise LibraryError(f"cannot read the hidden list {path}: {reason}") from None
    import tomllib

    try:
        ids = tomllib.loads(data.decode("utf-8-sig")).get("hidden", [])
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LibraryError(f"cannot read the hidden list {path}: {exc}") from None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise LibraryError(f"{path}: 'hidden' must be a list of tip ids")
    return frozenset(i.strip().lower() for i in ids if i.strip())


def write_hidden(path: Path, ids: Iterable[str]) -> None:
    """Replace the hidden list (atomically: a crash leaves the old list or the new one)."""
    import tomli_w

    from tipweek.safewrite import write_file

    text = HIDDEN_HEADER + tomli_w.dumps({"hidden": sorted(set(ids))})
    write_file(path, text.encode("utf-8"), overwrite=True)


# --- what `tip check` adds ------------------------------------------------------------------


def _plain(text: str) -> str:
    """Text compared for repeats: folded, without Markdown marks or punctuation at the ends."""
    text = re.sub(r"[*_`#>]", "", one_line(text))
    return fold(text).strip(" .!?…\"'")


def repeated_takeaway(tip: Tip) -> bool:
    """The takeaway is also the body's last paragraph (or all of it): shown twice."""
    if not tip.takeaway or not tip.body.strip():
        return False
    last = tip.body.strip().split("\n\n")[-1]
    return _plain(last) == _plain(tip.takeaway) or _plain(tip.body) == _plain(tip.takeaway)


def looks_like_url(text: str) -> bool:
    return bool(re.match(r"^(?:https?://|mailto:)\S+$", text.strip(), re.I))


def tip_problems(tip: Tip) -> list[Problem]:
    """What is wrong with a readable tip, as warnings on its file."""
    found = []
    if tip.excerpt and not tip.summary.strip():
        found.append("an excerpt needs a 'summary': it is what readers see of it")
    if repeated_takeaway(tip):
        found.append("the takeaway is repeated as the body's last paragraph: remove one of them")
    if tip.source and not looks_like_url(tip.source):
        found.append("'source' should be a link (http…); put a site's name in 'publisher'")
    return [Problem(tip.path, None, message, "warning") for message in found]


def alias_problems(aliases: Aliases, tips: Sequence[Tip], where: str) -> list[Problem]:
    """Aliases whose target no tip uses (a typo makes a new category) and aliases in a loop."""
    spelled = {category_key(c) for t in tips for c in t.categories}
    aliased = set(aliases.table)
    problems = [
        Problem(
            where, None, f"category alias '{spelling}' points at '{target}', which no tip uses", "warning"
        )
        for spelling, target in aliases.pairs
        if category_key(aliases.name(target)) not in spelled - aliased
    ]
    problems += [
        Problem(where, None, f"category alias '{spelling}' is part of a loop", "warning")
        for spelling in aliases.cycles()
    ]
    return problems


def hidden_problems(hidden: Iterable[str], tips: Sequence[Tip], where: str) -> list[Problem]:
    ids = {t.id for t in tips}
    return [
        Problem(where, None, f"hidden id '{tip_id}' matches no tip", "warning")
        for tip_id in sorted(hidden)
        if tip_id not in ids
    ]
