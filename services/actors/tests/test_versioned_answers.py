"""Kept answers: served only at the version they were computed at, and never more than their memory bound."""

from __future__ import annotations

import asyncio

from services.actors.versioned_cache import VersionedAnswers


def _ask(answers: VersionedAnswers, key: str, version: int, body: bytes) -> tuple[bytes, int]:
    async def current() -> int:
        return version

    async def compute() -> tuple[bytes, int]:
        return body, version

    return asyncio.run(answers.get_or_compute(key, current, compute))


def test_an_answer_is_served_again_only_while_the_version_is_unchanged():
    answers = VersionedAnswers()
    assert _ask(answers, "01", 7, b"seven") == (b"seven", 7)
    assert _ask(answers, "01", 7, b"recomputed") == (b"seven", 7)
    assert _ask(answers, "01", 8, b"eight") == (b"eight", 8)
    assert (answers.hits, answers.misses) == (1, 2)


def test_kept_answers_stay_within_their_memory_bound_least_recently_used_first():
    answers = VersionedAnswers(max_bytes=10)
    for key in ("a", "b", "c"):
        _ask(answers, key, 1, b"xxxx")
    assert (len(answers), answers.size) == (2, 8)  # "a" went first
    assert _ask(answers, "a", 1, b"yyyy") == (b"yyyy", 1) and answers.size <= 10
    _ask(answers, "huge", 1, b"z" * 11)  # larger than the bound: answered, not kept
    assert answers.size <= 10 and len(answers) == 2
