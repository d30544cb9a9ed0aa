#!/usr/bin/env python3
"""Relevance of `tip search` on the judged situations in `benchmarks/relevance.toml`.

For each case, the query is searched in the bundled library and the ranks of the wanted tips
are read from the results. Reported: success@3 (a wanted tip among the first three), MRR (the
mean of 1 / rank of the first wanted tip, 0 when none is in the results), how many queries
returned nothing, the same by kind of query, and every miss.

    python benchmarks/relevance.py                       # in-process, this checkout's tipweek
    python benchmarks/relevance.py --misses              # also list every case that missed
    python benchmarks/relevance.py --command "/old/venv/bin/tip" --tips tips   # another version

`--command` runs a `tip` executable per query instead (`tip search WORDS --json --limit 10`,
with the bundled library switched off and `--tips` as the library), so that an older version can
be measured on the same tips: that is how the "before" figures in docs/search.md were taken.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE / "relevance.toml"
KINDS = ("situation", "question", "short", "long", "typo")
DEPTH = 10  # results read per query

Search = Callable[[str], list[str]]


@dataclass(frozen=True)
class Case:
    query: str
    want: tuple[str, ...]
    kind: str


@dataclass
class Outcome:
    case: Case
    got: list[str]

    @property
    def rank(self) -> int | None:
        """1-based rank of the first wanted tip in the results, None when none is there."""
        return next((n for n, tip in enumerate(self.got, 1) if tip in self.case.want), None)

    @property
    def hit(self) -> bool:
        return self.rank is not None and self.rank <= 3


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def part(self, kind: str) -> Report:
        return Report([o for o in self.outcomes if o.case.kind == kind])

    @property
    def success_at_3(self) -> float:
        return sum(o.hit for o in self.outcomes) / max(1, len(self.outcomes))

    @property
    def mrr(self) -> float:
        return sum(1 / o.rank for o in self.outcomes if o.rank) / max(1, len(self.outcomes))

    @property
    def empty(self) -> int:
        return sum(not o.got for o in self.outcomes)

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.hit]


def load_cases(path: Path = CASES) -> list[Case]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Case(c["query"], tuple(c["want"]), c["kind"]) for c in data["case"]]


def evaluate(cases: Sequence[Case], search: Search) -> Report:
    return Report([Outcome(case, search(case.query)[:DEPTH]) for case in cases])


def in_process(tips: Path | None = None, synonyms: Path | None = None) -> Search:
    """Search with this checkout's tipweek, in this process, over the bundled library (or
    `tips`), read into an in-memory index once, with the bundled thesaurus (or `synonyms`)."""
    from tipweek.index import memory_index
    from tipweek.library import LibrarySource, bundled_path
    from tipweek.searching import bundled_thesaurus, load_thesaurus, search

    index = memory_index([LibrarySource("bundled", tips or bundled_path())])
    thesaurus = load_thesaurus([synonyms or bundled_thesaurus()], None, warn=print)

    def find(query: str) -> list[str]:
        return [
            hit.tip.id for hit in search(index, query.split(), thesaurus, limit=DEPTH, snippets=False).hits
        ]

    return find


def by_command(command: str, tips: Path) -> Search:
    """Search by running `command search WORDS --json` with `tips` as the only library."""
    work = Path(tempfile.mkdtemp(prefix="tipweek-relevance-"))
    env = {
        **os.environ,
        "TIP_NO_BUNDLED": "1",
        "TIP_LIBRARY": str(tips.resolve()),
        "TIP_CACHE_DIR": str(work / "cache"),
        "TIP_DATA_DIR": str(work / "data"),
        "TIP_CONFIG": str(work / "config.toml"),
        "NO_COLOR": "1",
    }

    def search(query: str) -> list[str]:
        args = [*shlex.split(command), "search", *query.split(), "--json", "--limit", str(DEPTH)]
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
        if done.returncode not in (0, 1, 2):
            raise RuntimeError(f"{args}: exit {done.returncode}: {done.stderr}")
        return [t["id"] for t in json.loads(done.stdout)] if done.returncode == 0 and done.stdout else []

    return search


def _figures(report: Report) -> str:
    return (
        f"{len(report.outcomes):3d} cases  success@3 {report.success_at_3:.2f}  "
        f"MRR {report.mrr:.2f}  empty {report.empty}"
    )


def markdown(report: Report) -> str:
    """The figures as a Markdown table, overall and by kind."""
    lines = ["| kind | cases | success@3 | MRR | empty |", "| --- | ---: | ---: | ---: | ---: |"]
    for name, part in [("all", report), *((k, report.part(k)) for k in KINDS)]:
        if part.outcomes:
            lines.append(
                f"| {name} | {len(part.outcomes)} | {part.success_at_3:.2f} | {part.mrr:.2f} | {part.empty} |"
            )
    return "\n".join(lines)


def describe_misses(report: Report) -> str:
    lines = []
    for o in report.misses:
        got = ", ".join(o.got[:3]) or "nothing"
        where = f"rank {o.rank}" if o.rank else "not in the first ten"
        lines.append(f"- [{o.case.kind}] {o.case.query!r}: wanted {o.case.want[0]} ({where}); got {got}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=Path, default=CASES, help="judged cases (default: %(default)s)")
    parser.add_argument("--command", help="a `tip` command to run per query instead of searching in-process")
    parser.add_argument("--tips", type=Path, help="the library to search (default: the bundled tips)")
    parser.add_argument("--synonyms", type=Path, help="the thesaurus to use (default: the bundled one)")
    parser.add_argument("--misses", action="store_true", help="list every case without a hit in the top 3")
    parser.add_argument("--markdown", action="store_true", help="print the figures as a Markdown table")
    args = parser.parse_args(argv)
    cases = load_cases(args.cases)
    if args.command:
        search = by_command(args.command, args.tips or HERE.parent / "tips")
    else:
        search = in_process(args.tips, args.synonyms)
    report = evaluate(cases, search)
    print(markdown(report) if args.markdown else _figures(report))
    if not args.markdown:
        for kind in KINDS:
            if report.part(kind).outcomes:
                print(f"  {kind:9s} {_figures(report.part(kind))}")
    if args.misses:
        print(describe_misses(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
