"""The rules a questionnaire's definition obeys before it is stored: unique linkIds, options where choices are
asked, known code lists (their codes copied in, so a version never changes when a list does), conditions that
refer to earlier questions with a value they can take, and bounds that fit. Every broken rule names the item.

Sizes are bounded too, since every reader of a round's aggregates pays for them: a scale has at most
`MAX_SCALE_STEPS` steps (its distribution answers one count a step; a wider range is an integer item, whose
distribution is binned) and a choice at most `MAX_OPTIONS` options. They are checked when a version is stored and
again when it is published (`check_sizes`), so no draft stored before the bounds existed is published past them."""

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
MAX_SCALE_STEPS = 101  # 0..100, a percentage; the usual scales have 5 to 11 steps
MAX_OPTIONS = 200


def size_errors(item: Item) -> list[FieldError]:
    """The item's scale steps and options within their bounds."""
    errors = []
    if item.type is ItemType.SCALE and item.min_value is not None and item.max_value is not None:
        if item.min_value != item.min_value.to_integral_value() or \
                item.max_value != item.max_value.to_integral_value():
            errors.append(FieldError(f"items.{item.link_id}.min_value", "scale_whole_steps",
                                     f"Item {item.link_id}: a scale runs between whole numbers."))
        elif item.max_value - item.min_value + 1 > MAX_SCALE_STEPS:
            errors.append(FieldError(f"items.{item.link_id}.max_value", "scale_steps", (
                f"Item {item.link_id}: a scale has at most {MAX_SCALE_STEPS} steps, and {item.min_value}.."
                f"{item.max_value} has {item.max_value - item.min_value + 1}; ask a wider range as an integer.")))
    if len(item.options) > MAX_OPTIONS:
        errors.append(FieldError(f"items.{item.link_id}.options", "options_limit",
                                 f"Item {item.link_id}: a choice has at most {MAX_OPTIONS} options, not "
                                 f"{len(item.options)}."))
    return errors


def check_sizes(items: list[Item]) -> None:
    """422 naming each item past the size bounds (a version about to be published)."""
    errors = [error for item, _ in flatten(items) for error in size_errors(item)]
    if errors:
        raise InvalidInput(f"The questionnaire breaks {len(errors)} rule(s): {errors[0].message}", errors=errors)


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
        errors.extend(size_errors(item))
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
