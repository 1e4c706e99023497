"""The organisation number rule's quick path (ten digits, with or without the hyphen) answers as the general one."""

from __future__ import annotations

import random

import pytest
from stdnum.se import orgnr

from services.actors.identifiers import normalise_org_number


def _general(value: str) -> str | None:
    return orgnr.format(orgnr.validate(value)) if orgnr.is_valid(value) else None


def _ours(value: str) -> str | None:
    try:
        return normalise_org_number(value)
    except ValueError:
        return None


def test_the_quick_path_answers_as_the_general_rule():
    rng = random.Random(10)
    numbers = [f"{rng.randrange(10**10):010d}" for _ in range(20_000)]
    cases = numbers + [f"{n[:6]}-{n[6:]}" for n in numbers] + [
        "2120000142", "212000-0142", "212000-0143", "212000 0142", " 2120000142", "21200001420", "212000-014",
        "2120-000142", "２１２０００-０１４２", "212000–0142", "abcdefghij", "212000.0142", ""]
    assert sum(_general(c) is not None for c in cases) > 2000  # a tenth of random numbers pass Luhn
    assert [c for c in cases if _ours(c) != _general(c)] == []


@pytest.mark.parametrize("value", ["212000-0143", "21200001", "FoU-enhet"])
def test_an_invalid_number_keeps_its_reason(value):
    with pytest.raises(ValueError, match="not a valid Swedish organisation number"):
        normalise_org_number(value)
