"""Every example body the apps' OpenAPI documents show (Swagger's "Try it out" starts from it) is a body the
service takes: each input schema's examples are validated against its model, which refuses unknown fields, so an
example can never drift from its model. The main input models of each service carry a real one (Dalarna's)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.actors.main import create_app as actors_app
from services.funding.main import create_app as funding_app
from services.reporting.main import create_app as reporting_app
from services.surveys.main import create_app as surveys_app
from shared.strict_bodies import InputModel

WITH_EXAMPLES = {
    "actors": {"OrganisationIn", "PersonIn", "PostIn", "MembershipIn", "PopulationBasisIn"},
    "funding": {"AgreementIn", "AllocationCreate", "RequisitionIn", "StepIn", "ReportIn", "RepaymentIn",
                "CoFinancingCreate"},
    "surveys": {"RoundIn", "ResponseIn", "ResponseUpdate", "ReviewIn", "ReportingYearIn", "QuestionnaireIn"},
    "reporting": {"AnnualReportIn", "ActivityIn"},
}


def input_models() -> Iterator[type[InputModel]]:
    pending = list(InputModel.__subclasses__())
    while pending:
        model = pending.pop()
        pending += model.__subclasses__()
        yield model


@pytest.fixture(scope="module")
def documents() -> dict[str, dict]:
    return {"actors": actors_app().openapi(), "funding": funding_app().openapi(),
            "surveys": surveys_app().openapi(), "reporting": reporting_app().openapi()}


def body_schemas(document: dict) -> set[str]:
    """The component names of every request body's schema."""
    names = set()
    for item in document["paths"].values():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            for media in content.values():
                ref = media.get("schema", {}).get("$ref")
                if ref:
                    names.add(ref.rsplit("/", 1)[-1])
    return names


def test_every_input_schemas_example_is_taken_by_its_model(documents):
    models = {}
    for model in input_models():
        models.setdefault(model.__name__, model)
    checked = []
    for service, document in documents.items():
        for name, schema in document["components"]["schemas"].items():
            examples = schema.get("examples")
            if not isinstance(examples, list) or not examples or not isinstance(examples[0], dict):
                continue
            model = models.get(name.removesuffix("-Input"))
            assert model is not None, f"{service}: {name} shows an example but is no input model"
            for example in examples:
                model.model_validate(example)  # raises, naming the field, when the example has drifted
                checked.append((service, name))
    assert len(checked) >= sum(len(names) for names in WITH_EXAMPLES.values())


@pytest.mark.parametrize("service", sorted(WITH_EXAMPLES))
def test_the_main_input_models_show_a_real_example(documents, service):
    schemas = documents[service]["components"]["schemas"]
    missing = {name for name in WITH_EXAMPLES[service]
               if not schemas.get(name, schemas.get(f"{name}-Input", {})).get("examples")}
    assert not missing, f"{service}: no example for {sorted(missing)}"
    assert WITH_EXAMPLES[service] <= {n.removesuffix("-Input") for n in body_schemas(documents[service])} | {
        "AllocationCreate", "CoFinancingCreate"}
