"""Answers checked against the questionnaire version they answer, and turned into one row per value.

Every item's answer must have the item's type, lie within its options and bounds; an item whose conditions
(enableWhen) do not hold is disabled, and an answer to it is an error, never kept silently. A submission also
needs every enabled required item answered; a draft may leave them out. All broken rules are reported at once,
each naming the item as `answers.<linkId>`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from services.surveys.questionnaires.schemas import CHOICE_TYPES, Condition, Item, ItemType, Operator, flatten
from shared.problems import FieldError, InvalidInput


@dataclass(frozen=True)
class AnswerRow:
    link_id: str
    position: int
    option_code: str | None = None
    number_value: Decimal | None = None
    text_value: str | None = None
    date_value: dt.date | None = None


class _Refusal(Exception):
    def __init__(self, rule: str, message: str) -> None:
        self.rule, self.message = rule, message


def check_answers(items: list[Item], answers: dict[str, Any], *, complete: bool) -> list[AnswerRow]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    rows: list[AnswerRow] = []
    known = {item.link_id for item, _ in flatten(items)}
    for link_id in answers:
        if link_id not in known:
            errors.append(FieldError(f"answers.{link_id}", "known_item", f"{link_id} is not an item of this "
                                     "questionnaire version."))
    for item, parents in flatten(items):
        if item.type is ItemType.GROUP:
            continue
        field = f"answers.{item.link_id}"
        enabled = all(_enabled(p, values) for p in (*parents, item))
        given = answers.get(item.link_id)
        if given is None or given == "" or given == []:
            if enabled and item.required and complete:
                errors.append(FieldError(field, "required", f"{item.link_id} ({item.text}) must be answered."))
            continue
        if not enabled:
            errors.append(FieldError(field, "disabled_item", f"{item.link_id} is not asked given the other "
                                     "answers (its conditions do not hold); leave it out."))
            continue
        try:
            value, item_rows = _check(item, given)
        except _Refusal as refusal:
            errors.append(FieldError(field, refusal.rule, f"{item.link_id}: {refusal.message}"))
            continue
        values[item.link_id] = value
        rows.extend(item_rows)
    if errors:
        raise InvalidInput(f"The answers break {len(errors)} rule(s): {errors[0].message}", errors=errors)
    return rows


def _enabled(item: Item, values: dict[str, Any]) -> bool:
    if not item.enable_when:
        return True
    results = [_holds(condition, values.get(condition.question)) for condition in item.enable_when]
    return all(results) if item.enable_behavior == "all" else any(results)


def _holds(condition: Condition, value: Any) -> bool:
    if condition.operator is Operator.EXISTS:
        return (value is not None) == bool(condition.answer)
    if value is None:
        return False
    if isinstance(value, list):
        found = condition.answer in value
        return found if condition.operator is Operator.EQUALS else (
            not found if condition.operator is Operator.NOT_EQUALS else False)
    expected: Any = condition.answer
    if isinstance(value, Decimal):
        try:
            expected = Decimal(str(condition.answer))
        except InvalidOperation:
            return False
    elif isinstance(value, dt.date):
        value = value.isoformat()
        expected = str(expected)
    comparisons = {Operator.EQUALS: lambda a, b: a == b, Operator.NOT_EQUALS: lambda a, b: a != b,
                   Operator.GREATER: lambda a, b: a > b, Operator.LESS: lambda a, b: a < b,
                   Operator.GREATER_OR_EQUAL: lambda a, b: a >= b, Operator.LESS_OR_EQUAL: lambda a, b: a <= b}
    try:
        return bool(comparisons[condition.operator](value, expected))
    except TypeError:
        return False


def _check(item: Item, given: Any) -> tuple[Any, list[AnswerRow]]:
    codes = [o.code for o in item.options]
    if item.type is ItemType.SINGLE_CHOICE:
        if not isinstance(given, str):
            raise _Refusal("type", "one option code (a string) is expected.")
        if given not in codes:
            raise _Refusal("answer_option", f"{given!r} is not one of the options ({', '.join(codes)}).")
        return given, [AnswerRow(item.link_id, 0, option_code=given)]
    if item.type in CHOICE_TYPES:
        if not isinstance(given, list):
            raise _Refusal("type", "a list of option codes is expected.")
        unknown = [code for code in given if code not in codes]
        if unknown:
            raise _Refusal("answer_option", f"{', '.join(map(repr, unknown))} is not one of the options.")
        if len(set(given)) != len(given):
            raise _Refusal("unique_options", "an option is chosen twice.")
        if item.min_length is not None and len(given) < item.min_length:
            raise _Refusal("min_length", f"choose at least {item.min_length}.")
        if item.max_length is not None and len(given) > item.max_length:
            raise _Refusal("max_length", f"choose at most {item.max_length}.")
        return given, [AnswerRow(item.link_id, n, option_code=code) for n, code in enumerate(given, start=1)]
    if item.type in (ItemType.SCALE, ItemType.INTEGER, ItemType.DECIMAL):
        number = _number(item, given)
        if item.min_value is not None and number < item.min_value:
            raise _Refusal("min_value", f"{number} is below the least allowed value {item.min_value}.")
        if item.max_value is not None and number > item.max_value:
            raise _Refusal("max_value", f"{number} is above the greatest allowed value {item.max_value}.")
        return number, [AnswerRow(item.link_id, 0, number_value=number)]
    if item.type is ItemType.DATE:
        try:
            day = dt.date.fromisoformat(given) if isinstance(given, str) and len(given) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise _Refusal("type", "a date YYYY-MM-DD is expected.")
        return day, [AnswerRow(item.link_id, 0, date_value=day)]
    if not isinstance(given, str):
        raise _Refusal("type", "text is expected.")
    if item.min_length is not None and len(given) < item.min_length:
        raise _Refusal("min_length", f"at least {item.min_length} characters are expected.")
    if item.max_length is not None and len(given) > item.max_length:
        raise _Refusal("max_length", f"at most {item.max_length} characters are allowed.")
    return given, [AnswerRow(item.link_id, 0, text_value=given)]


_NUMBER_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # ASCII digits only: "١٠" is text, not ten


def _number(item: Item, given: Any) -> Decimal:
    if isinstance(given, bool) or not isinstance(given, int | float | str):
        raise _Refusal("type", "a number is expected.")
    if isinstance(given, str) and not _NUMBER_TEXT.fullmatch(given):
        raise _Refusal("type", f"{given[:40]!r} is not a number written with the digits 0-9.")
    try:
        number = Decimal(str(given))
    except InvalidOperation:
        raise _Refusal("type", f"{given!r} is not a number.") from None
    if not number.is_finite():
        raise _Refusal("type", f"{given!r} is not a number.")
    # The size is read from the number's digits, before any arithmetic that a huge exponent would overflow.
    if number and (number.adjusted() >= 12 or number.as_tuple().exponent < -6):  # type: ignore[operator]
        raise _Refusal("type", "at most 12 digits before and 6 after the decimal point.")
    if item.type is not ItemType.DECIMAL and number != number.to_integral_value():
        raise _Refusal("type", f"a whole number is expected, not {given}.")
    return number.normalize() if item.type is ItemType.DECIMAL else Decimal(int(number))


def answers_from_rows(items: list[Item], rows: list[AnswerRow]) -> dict[str, Any]:
    """The answers as the API shows them, rebuilt from their rows."""
    types = {item.link_id: item.type for item, _ in flatten(items)}
    answers: dict[str, Any] = {}
    for row in sorted(rows, key=lambda r: (r.link_id, r.position)):
        kind = types.get(row.link_id)
        if kind in (ItemType.MULTIPLE_CHOICE, ItemType.RANKING):
            answers.setdefault(row.link_id, []).append(row.option_code)
        elif row.option_code is not None:
            answers[row.link_id] = row.option_code
        elif row.number_value is not None:
            number = Decimal(row.number_value)
            answers[row.link_id] = int(number) if kind is not ItemType.DECIMAL else format(number.normalize(), "f")
        elif row.date_value is not None:
            answers[row.link_id] = row.date_value.isoformat()
        else:
            answers[row.link_id] = row.text_value
    return answers
