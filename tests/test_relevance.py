"""The relevance set (benchmarks/relevance.toml) keeps the figures docs/search.md reports:
a change that makes search find the right tip less often fails here."""

from __future__ import annotations

import pytest
from benchmarks.relevance import evaluate, in_process, load_cases

# Measured figures, less a small margin for harmless reordering (see docs/search.md).
MIN_SUCCESS_AT_3 = 0.93
MIN_MRR = 0.82


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return evaluate(load_cases(), in_process())


def test_success_at_3(report) -> None:  # type: ignore[no-untyped-def]
    assert report.success_at_3 >= MIN_SUCCESS_AT_3, [o.case.query for o in report.misses]


def test_mrr(report) -> None:  # type: ignore[no-untyped-def]
    assert report.mrr >= MIN_MRR


def test_no_query_returns_nothing(report) -> None:  # type: ignore[no-untyped-def]
    assert report.empty == 0
