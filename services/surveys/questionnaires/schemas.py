from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from services.surveys.identifiers import Code, LinkId, LongText, RecordId, Text
from shared.records import Timestamp
from shared.strict_bodies import InputModel
from shared.text import multi_line, single_line


class ItemType(StrEnum):
    GROUP = "group"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SCALE = "scale"
    INTEGER = "integer"
    DECIMAL = "decimal"
    TEXT = "text"
    DATE = "date"
    RANKING = "ranking"


CHOICE_TYPES = {ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE, ItemType.RANKING}
NUMBER_TYPES = {ItemType.SCALE, ItemType.INTEGER, ItemType.DECIMAL}


class Operator(StrEnum):
    EQUALS = "="
    NOT_EQUALS = "!="
    EXISTS = "exists"
    GREATER = ">"
    LESS = "<"
    GREATER_OR_EQUAL = ">="
    LESS_OR_EQUAL = "<="


# A bound of a number item: a JSON number or a decimal string ("10", "-2.5").
Bound = Annotated[Decimal, Field(allow_inf_nan=False), WithJsonSchema({"anyOf": [
    {"type": "number"}, {"type": "string", "pattern": "^-?[0-9]{1,15}(\\.[0-9]{1,10})?$"}]})]
# An answer as sent: text (line breaks allowed, no other control characters), a number (strict: `true` is no
# number; bounded so that any answer fits the stored numbers), or a list of option codes. The item's own type,
# options and bounds are checked against the questionnaire (services.surveys.responses.validation).
ANSWER_NUMBER_BOUND = 10**15
AnswerValue = multi_line(4000) | Annotated[  # type: ignore[valid-type]
    int, Field(strict=True, ge=-ANSWER_NUMBER_BOUND, le=ANSWER_NUMBER_BOUND)] | Annotated[
    float, Field(strict=True, allow_inf_nan=False, ge=-ANSWER_NUMBER_BOUND, le=ANSWER_NUMBER_BOUND)] | Annotated[
    list[single_line(64)], Field(max_length=100)]  # type: ignore[valid-type]


class Condition(InputModel):
    """FHIR enableWhen: the item is enabled when the answer to `question` compares so with `answer`."""

    question: LinkId
    operator: Operator = Operator.EQUALS
    answer: single_line(200) | Annotated[int, Field(strict=True, ge=-ANSWER_NUMBER_BOUND, le=ANSWER_NUMBER_BOUND)] | (  # type: ignore[valid-type]
        Annotated[float, Field(allow_inf_nan=False, ge=-ANSWER_NUMBER_BOUND, le=ANSWER_NUMBER_BOUND)]) | bool | None = (
        Field(None, description="exists: true or false"))


class Option(InputModel):
    code: Code
    display: Text


class Item(InputModel):
    link_id: LinkId
    text: Text
    type: ItemType
    required: bool = False
    code_list: RecordId | None = Field(None, description="Answer options from a shipped code list")
    options: list[Option] = Field(default_factory=list, max_length=100,
                                  description="Answer options of their own; filled from code_list when it is given")
    enable_when: list[Condition] = Field(default_factory=list, max_length=20)
    enable_behavior: str = Field("all", pattern="^(all|any)$")
    min_value: Bound | None = Field(None, description="integer, decimal, scale: the least allowed value")
    max_value: Bound | None = Field(None, description="integer, decimal, scale: the greatest allowed value")
    min_length: int | None = Field(None, ge=0, le=4000, description="text: characters; choices: options")
    max_length: int | None = Field(None, ge=1, le=4000)
    category: Code | None = Field(None, description="A focus area (or other code) the item is about, for the "
                                                    "ranked needs")
    items: list[Item] = Field(default_factory=list, max_length=200, description="group: its items")


class QuestionnaireIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "uppfoljning-dalarna",
        "title": "Uppföljning av kunskapsstödet i Dalarna",
        "description": "Kort uppföljning till länets kommuner.",
        "items": [
            {
                "link_id": "arsarbetare",
                "text": "Hur många årsarbetare arbetar med kunskapsstöd?",
                "type": "integer",
                "min_value": 0,
                "max_value": 500,
                "required": True,
            },
            {
                "link_id": "niva",
                "text": "Vilken nivå bör i första hand agera?",
                "type": "single_choice",
                "code_list": "nivaer",
            },
            {"link_id": "ovrigt", "text": "Övrigt", "type": "text"},
        ],
    }]})

    id: RecordId
    title: Text
    description: LongText = ""
    items: list[Item] = Field(min_length=1, max_length=200)


class QuestionnaireContent(InputModel):
    title: Text
    description: LongText = ""
    items: list[Item] = Field(min_length=1, max_length=200)


class QuestionnaireOut(BaseModel):
    id: str
    version: int
    status: str
    title: str
    description: str
    items: list[Item]
    created_at: Timestamp
    published_at: Timestamp | None
    retired_at: Timestamp | None


class VersionSummary(BaseModel):
    id: str
    version: int
    status: str
    title: str


def flatten(items: list[Item]) -> list[tuple[Item, list[Item]]]:
    """Every item in document order, with the groups that hold it (outermost first)."""
    found: list[tuple[Item, list[Item]]] = []

    def walk(level: list[Item], parents: list[Item]) -> None:
        for item in level:
            found.append((item, parents))
            walk(item.items, [*parents, item])

    walk(items, [])
    return found


def items_of(raw: list[dict[str, Any]]) -> list[Item]:
    return [Item.model_validate(item) for item in raw]
