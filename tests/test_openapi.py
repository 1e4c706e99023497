"""One OpenAPI document for the platform, usable by client generators; docs in a browser."""

from openapi_spec_validator import validate


def test_the_aggregated_document_is_valid_openapi(gateway):
    validate(gateway.get("/openapi.json").json())


def test_every_service_operation_is_under_its_public_path(gateway):
    paths = gateway.get("/openapi.json").json()["paths"]

    for path in ("/actors/counties", "/actors/counties/{code}", "/actors/municipalities",
                 "/actors/municipalities/{code}", "/actors/", "/funding/", "/surveys/", "/whoami"):
        assert path in paths, f"{path} missing from the aggregated document"
    assert not any(p.endswith(("/healthz", "/readyz")) and p.count("/") > 1 for p in paths), \
        "internal service health endpoints leaked into the public document"


def test_operation_ids_are_unique_and_keys_are_documented(gateway):
    doc = gateway.get("/openapi.json").json()
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()
           if isinstance(op, dict) and "operationId" in op]

    assert len(ids) == len(set(ids))
    assert doc["components"]["securitySchemes"]["ApiKey"]["name"] == "X-API-Key"


def test_docs_page_is_served(gateway):
    response = gateway.get("/docs")
    assert response.status_code == 200
    assert "swagger-ui" in response.text and "/openapi.json" in response.text
