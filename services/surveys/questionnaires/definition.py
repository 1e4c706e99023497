"""The rules a questionnaire's definition obeys before it is stored: unique linkIds, options where choices are
asked, known code lists (their codes copied in, so a version never changes when a list does), conditions that
refer to earlier questions with a value they can take, and bounds that fit. Every broken rule names the item."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from services.surveys.codelists.schemas import CodeListOut
from services.surveys.questionnaires.schemas import (
    CHOICE_TYPES,
    NUMBER_TYPES,
    Item,
    ItemType,
    Operator,
    Option,
    flatten,
)
from shared.problems import FieldError, InvalidInput

FindCodeList = Callable[[str], Awaitable[CodeListOut | None]]


async def resolve_and_check(items: list[Item], find_code_list: FindCodeList) -> list[Item]:
    errors: list[FieldError] = []
    seen: dict[str, Item] = {}

    def error(item: Item, attribute: str, rule: str, message: str) -> None:
        errors.append(FieldError(f"items.{item.link_id}.{attribute}" if attribute else f"items.{item.link_id}",
                                 rule, f"Item {item.link_id}: {message}"))

    for item, _parents in flatten(items):
        if item.link_id in seen:
            error(item, "link_id", "unique_link_id", "the linkId is used twice.")
        if item.type is ItemType.GROUP and not item.items:
            error(item, "items", "group_has_items", "a group holds at least one item.")
        if item.type is not ItemType.GROUP and item.items:
            error(item, "items", "only_groups_hold_items", f"a {item.type.value} item holds no items.")
        if item.code_list:
            code_list = await find_code_list(item.code_list)
            if code_list is None:
                error(item, "code_list", "known_code_list", f"there is no code list {item.code_list}.")
            elif item.options and [o.code for o in item.options] != [c.code for c in code_list.codes]:
                error(item, "options", "options_of_code_list", "its options differ from its code list's.")
            else:
                item.options = [Option(code=c.code, display=c.display) for c in code_list.codes]
        if item.type in CHOICE_TYPES and not item.options and not item.code_list:
            error(item, "options", "choices_have_options", "a choice needs answer options or a code list.")
        if item.type not in CHOICE_TYPES and (item.options or item.code_list):
            error(item, "options", "only_choices_have_options", f"a {item.type.value} item has no options.")
        codes = [o.code for o in item.options]
        if len(set(codes)) != len(codes):
            error(item, "options", "unique_option_codes", "an option code is repeated.")
        if item.type is ItemType.SCALE and (item.min_value is None or item.max_value is None):
            error(item, "max_value", "scale_has_bounds", "a scale needs min_value and max_value.")
        if (item.min_value is not None or item.max_value is not None) and item.type not in NUMBER_TYPES:
            error(item, "min_value", "bounds_on_numbers", "only numbers and scales have min_value and max_value.")
        if item.min_value is not None and item.max_value is not None and item.min_value > item.max_value:
            error(item, "max_value", "bounds_order", "min_value is greater than max_value.")
        if item.min_length is not None and item.max_length is not None and item.min_length > item.max_length:
            error(item, "max_length", "bounds_order", "min_length is greater than max_length.")
        for n, condition in enumerate(item.enable_when):
            target = seen.get(condition.question)
            if target is None:
                error(item, f"enable_when.{n}.question", "condition_on_earlier_question",
                      f"{condition.question} is not a question asked before this item.")
            elif target.type is ItemType.GROUP:
                error(item, f"enable_when.{n}.question", "condition_on_question", f"{target.link_id} is a group.")
            elif condition.operator is Operator.EXISTS and not isinstance(condition.answer, bool):
                error(item, f"enable_when.{n}.answer", "exists_takes_boolean", "exists compares with true or false.")
            elif target.type in CHOICE_TYPES and condition.operator is not Operator.EXISTS and \
                    condition.answer not in [o.code for o in target.options]:
                error(item, f"enable_when.{n}.answer", "condition_answer_is_option",
                      f"{condition.answer!r} is not an option of {target.link_id}.")
        seen.setdefault(item.link_id, item)
    if errors:
        raise InvalidInput(f"The questionnaire breaks {len(errors)} rule(s): {errors[0].message}", errors=errors)
    return items
