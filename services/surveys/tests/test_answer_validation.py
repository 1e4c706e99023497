"""The answer rules in-process (no HTTP, no database): types, options, bounds, required items, conditions
(enableWhen, all or any), drafts, and the rows an answer is stored as."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from services.surveys.questionnaires.schemas import Item
from services.surveys.responses.validation import AnswerRow, answers_from_rows, check_answers
from shared.problems import InvalidInput

ITEMS = [Item.model_validate(i) for i in [
    {"link_id": "angelagenhet", "text": "Hur angeläget?", "type": "scale", "required": True, "min_value": 1,
     "max_value": 5},
    {"link_id": "processer", "text": "Vilka processer?", "type": "multiple_choice", "required": True,
     "max_length": 2, "options": [{"code": "a", "display": "A"}, {"code": "b", "display": "B"},
                                  {"code": "c", "display": "C"}],
     "enable_when": [{"question": "angelagenhet", "operator": ">=", "answer": 3}]},
    {"link_id": "niva", "text": "Vilken nivå?", "type": "single_choice",
     "options": [{"code": "lokal", "display": "Lokal"}, {"code": "regional", "display": "Regional"}]},
    {"link_id": "uppfoljning", "text": "Uppföljning", "type": "group", "items": [
        {"link_id": "antal", "text": "Hur många?", "type": "integer", "required": True, "min_value": 0},
        {"link_id": "andel", "text": "Andel?", "type": "decimal", "max_value": 1}],
     "enable_when": [{"question": "niva", "operator": "=", "answer": "regional"},
                     {"question": "angelagenhet", "operator": "=", "answer": 5}], "enable_behavior": "any"},
    {"link_id": "datum", "text": "När?", "type": "date"},
    {"link_id": "rangordning", "text": "Rangordna", "type": "ranking",
     "options": [{"code": "x", "display": "X"}, {"code": "y", "display": "Y"}]},
    {"link_id": "kommentar", "text": "Kommentar", "type": "text", "min_length": 2, "max_length": 10,
     "enable_when": [{"question": "datum", "operator": "exists", "answer": True}]},
]]


def refused(answers: dict, *, complete: bool = True) -> set[tuple[str, str]]:
    with pytest.raises(InvalidInput) as error:
        check_answers(ITEMS, answers, complete=complete)
    return {(e.field, e.rule) for e in error.value.errors}


def test_a_complete_answer_is_stored_as_one_row_per_value():
    rows = check_answers(ITEMS, {"angelagenhet": 4, "processer": ["b", "a"], "niva": "regional", "antal": "12",
                                 "andel": 0.25, "datum": "2026-12-01", "rangordning": ["y", "x"],
                                 "kommentar": "Bra"}, complete=True)
    assert AnswerRow("processer", 1, option_code="b") in rows and AnswerRow("processer", 2, option_code="a") in rows
    assert AnswerRow("antal", 0, number_value=Decimal(12)) in rows
    assert AnswerRow("datum", 0, date_value=dt.date(2026, 12, 1)) in rows
    assert answers_from_rows(ITEMS, rows) == {"angelagenhet": 4, "processer": ["b", "a"], "niva": "regional",
                                              "antal": 12, "andel": "0.25", "datum": "2026-12-01",
                                              "rangordning": ["y", "x"], "kommentar": "Bra"}


@pytest.mark.parametrize(("answers", "expected"), [
    ({"angelagenhet": "fyra"}, ("answers.angelagenhet", "type")),
    ({"angelagenhet": True}, ("answers.angelagenhet", "type")),
    ({"angelagenhet": 3.5}, ("answers.angelagenhet", "type")),
    ({"angelagenhet": 6}, ("answers.angelagenhet", "max_value")),
    ({"angelagenhet": 0}, ("answers.angelagenhet", "min_value")),
    ({"angelagenhet": 4, "processer": "a"}, ("answers.processer", "type")),
    ({"angelagenhet": 4, "processer": ["a", "d"]}, ("answers.processer", "answer_option")),
    ({"angelagenhet": 4, "processer": ["a", "a"]}, ("answers.processer", "unique_options")),
    ({"angelagenhet": 4, "processer": ["a", "b", "c"]}, ("answers.processer", "max_length")),
    ({"niva": "nationell"}, ("answers.niva", "answer_option")),
    ({"niva": ["lokal"]}, ("answers.niva", "type")),
    ({"datum": "1 december"}, ("answers.datum", "type")),
    ({"datum": "2026-02-30"}, ("answers.datum", "type")),
    ({"datum": "2026-12-01", "kommentar": "x"}, ("answers.kommentar", "min_length")),
    ({"datum": "2026-12-01", "kommentar": "för lång kommentar"}, ("answers.kommentar", "max_length")),
    ({"niva": "regional", "antal": -1}, ("answers.antal", "min_value")),
    ({"niva": "regional", "antal": 1, "andel": "1.5"}, ("answers.andel", "max_value")),
    ({"niva": "regional", "antal": 1, "andel": "1.1234567"}, ("answers.andel", "type")),
    ({"okand": 1}, ("answers.okand", "known_item")),
])
def test_a_broken_rule_names_the_item(answers, expected):
    assert expected in refused(answers, complete=False)


def test_conditions_disable_items_and_an_answer_to_one_is_refused():
    assert ("answers.processer", "disabled_item") in refused({"angelagenhet": 2, "processer": ["a"]})
    assert ("answers.antal", "disabled_item") in refused({"angelagenhet": 2, "niva": "lokal", "antal": 1})
    assert ("answers.kommentar", "disabled_item") in refused({"angelagenhet": 2, "kommentar": "Hej"})
    # any: the group is asked when either condition holds
    check_answers(ITEMS, {"angelagenhet": 5, "processer": ["a"], "niva": "lokal", "antal": 3}, complete=True)
    check_answers(ITEMS, {"angelagenhet": 1, "niva": "regional", "antal": 3}, complete=True)


def test_a_submission_needs_every_enabled_required_item_and_a_draft_does_not():
    assert refused({"angelagenhet": 4}) == {("answers.processer", "required")}
    assert refused({"angelagenhet": 1, "niva": "regional"}) == {("answers.antal", "required")}
    assert refused({}) == {("answers.angelagenhet", "required")}
    assert check_answers(ITEMS, {"angelagenhet": 4}, complete=False) == [AnswerRow("angelagenhet", 0,
                                                                                   number_value=Decimal(4))]
    assert check_answers(ITEMS, {"angelagenhet": 2, "niva": None, "processer": []}, complete=True)


def test_every_broken_rule_is_reported_at_once():
    assert refused({"angelagenhet": 9, "niva": "x", "datum": "igår", "okand": 1}) == {
        ("answers.angelagenhet", "max_value"), ("answers.niva", "answer_option"), ("answers.datum", "type"),
        ("answers.okand", "known_item")}
