import pytest

from shared.etag import check_if_match, none_match
from shared.problems import PreconditionFailed, PreconditionRequired


def test_if_match_naming_the_current_version_passes():
    check_if_match('"3"', 3)
    check_if_match('"2", "3"', 3)
    check_if_match("*", 3)


def test_if_match_compares_strongly_a_weak_tag_never_matches():
    with pytest.raises(PreconditionFailed):
        check_if_match('W/"3"', 3)
    with pytest.raises(PreconditionFailed):
        check_if_match('W/"2", W/"3"', 3)


def test_if_match_naming_another_version_fails_and_a_missing_one_is_required():
    with pytest.raises(PreconditionFailed):
        check_if_match('"2"', 3)
    with pytest.raises(PreconditionRequired):
        check_if_match(None, 3)


def test_if_none_match_compares_weakly():
    assert none_match('W/"r5-2024-01-01-p"', '"r5-2024-01-01-p"')
    assert none_match('"a", "b"', '"b"')
    assert none_match("*", '"b"')
    assert not none_match('"a"', '"b"')
    assert not none_match(None, '"b"')
