"""A questionnaire version as a FHIR R4 Questionnaire resource: linkId, text, type, required, enableWhen and
answerOption per item; bounds as the standard minValue/maxValue extensions and maxLength."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.surveys.questionnaires.schemas import CHOICE_TYPES, Item, ItemType, Operator, QuestionnaireOut
from shared.records import aware

MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
STATUS = {"draft": "draft", "published": "active", "retired": "retired"}
TYPE = {ItemType.GROUP: "group", ItemType.SINGLE_CHOICE: "choice", ItemType.MULTIPLE_CHOICE: "choice",
        ItemType.RANKING: "choice", ItemType.SCALE: "integer", ItemType.INTEGER: "integer",
        ItemType.DECIMAL: "decimal", ItemType.TEXT: "text", ItemType.DATE: "date"}


def code_system(code_list: str | None, link_id: str) -> str:
    """The codes' system: a shipped code list, or the item's own options."""
    return f"urn:rss:surveys:code-list:{code_list}" if code_list else f"urn:rss:surveys:options:{link_id}"


def _number(item: Item, value: Decimal) -> dict[str, Any]:
    if item.type is ItemType.DECIMAL:
        return {"valueDecimal": float(value)}
    return {"valueInteger": int(value)}


def _answer(value: Any, target: Item | None) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"answerBoolean": value}
    if target is not None and target.type in CHOICE_TYPES:
        return {"answerCoding": {"system": code_system(target.code_list, target.link_id), "code": str(value)}}
    if isinstance(value, int):
        return {"answerInteger": value}
    if isinstance(value, float):
        return {"answerDecimal": value}
    return {"answerString": str(value)}


def fhir_item(item: Item, earlier: dict[str, Item]) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.link_id, "text": item.text, "type": TYPE[item.type]}
    if item.required:
        out["required"] = True
    if item.type in (ItemType.MULTIPLE_CHOICE, ItemType.RANKING):
        out["repeats"] = True
    if item.enable_when:
        out["enableWhen"] = [{"question": c.question, "operator": c.operator.value,
                              **_answer(c.answer if c.operator is not Operator.EXISTS else bool(c.answer),
                                        earlier.get(c.question) if c.operator is not Operator.EXISTS else None)}
                             for c in item.enable_when]
        if len(item.enable_when) > 1:
            out["enableBehavior"] = item.enable_behavior
    if item.options:
        system = code_system(item.code_list, item.link_id)
        out["answerOption"] = [{"valueCoding": {"system": system, "code": o.code, "display": o.display}}
                               for o in item.options]
    extensions = [{"url": url, **_number(item, bound)} for url, bound in ((MIN_VALUE, item.min_value),
                                                                        (MAX_VALUE, item.max_value))
                  if bound is not None]
    if extensions:
        out["extension"] = extensions
    if item.max_length is not None and item.type is ItemType.TEXT:
        out["maxLength"] = item.max_length
    earlier[item.link_id] = item
    if item.items:
        out["item"] = [fhir_item(child, earlier) for child in item.items]
    return out


def questionnaire_resource(questionnaire: QuestionnaireOut) -> dict[str, Any]:
    earlier: dict[str, Item] = {}
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire", "id": f"{questionnaire.id}-{questionnaire.version}",
        "url": f"urn:rss:surveys:questionnaire:{questionnaire.id}", "version": str(questionnaire.version),
        "name": questionnaire.id.replace("-", "_").replace(".", "_"), "title": questionnaire.title,
        "status": STATUS.get(questionnaire.status, "unknown"), "language": "sv",
        "item": [fhir_item(item, earlier) for item in questionnaire.items]}
    if questionnaire.description:
        resource["description"] = questionnaire.description
    if questionnaire.published_at:
        resource["date"] = aware(questionnaire.published_at).isoformat()  # a FHIR dateTime: with its zone
    return resource
