"""The OpenAPI document says what the API does: one schema per name, every
error response documented, optional auth where reads are public, and a
maximum length on every text a client sends."""

import pytest
from ninja.openapi.schema import REF_TEMPLATE
from ninja.schema import NinjaGenerateJsonSchema

from gcmhub.api import api

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def ninja_operations():
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            yield from path_view.operations


def test_each_schema_name_means_one_schema(document):
    """Two response models called IndicatorOut used to share one entry, so
    /sdg-indicators was documented with the other app's fields."""
    components = document["components"]["schemas"]
    clashes = []
    for operation in ninja_operations():
        models = [(model, "validation") for model in operation.models]
        models += [(model, "serialization") for model in operation.response_models.values() if model]
        for model, mode in models:
            schema = model.model_json_schema(ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema, mode=mode)
            for name, definition in schema.get("$defs", {}).items():
                if components.get(name) != definition:
                    clashes.append(f"{operation.view_func.__module__}.{operation.view_func.__name__}: {name}")
    assert clashes == []


def test_every_operation_documents_its_errors(document):
    for label, operation in operations(document):
        responses = operation["responses"]
        assert "422" in responses or 422 in responses, label
        statuses = {str(status) for status in responses}
        if operation.get("security"):
            assert {"401", "403"} <= statuses, label
        if operation.get("requestBody"):
            assert {"409", "413"} <= statuses, label
        error = responses.get(422) or responses.get("422")
        schema = error["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith(("/ErrorOut", "/ResolveProblemOut")), label
    error_out = document["components"]["schemas"]["ErrorOut"]
    assert set(error_out["properties"]) == {"detail", "field", "errors"}
    assert error_out["required"] == ["detail"]


def test_public_reads_declare_the_token_optional(document):
    security = {label: operation.get("security") for label, operation in operations(document)}
    assert security["GET /api/v1/organizations"] == [{}, {"BearerToken": []}]
    assert security["GET /api/v1/progress"] == [{}, {"BearerToken": []}]
    assert security["POST /api/v1/organizations"] == [{"BearerToken": []}]
    assert security["GET /api/v1/objectives"] is None
    assert set(document["components"]["securitySchemes"]) == {"BearerToken"}


def _strings(schema, components, seen=()):
    """Every string schema inside ``schema`` (following $refs once)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _strings(components[name], components, (*seen, name))
        return
    if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
        yield schema
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            yield from _strings(part, components, seen)
    for part in schema.get("properties", {}).values():
        yield from _strings(part, components, seen)
    if isinstance(schema.get("items"), dict):
        yield from _strings(schema["items"], components, seen)


def test_every_text_a_client_sends_in_a_body_has_a_maximum_length(document):
    components = document["components"]["schemas"]
    unbounded = []
    for label, operation in operations(document):
        for content in operation.get("requestBody", {}).get("content", {}).values():
            for string in _strings(content["schema"], components):
                if "maxLength" not in string:
                    unbounded.append(f"{label}: {string.get('title')}")
    assert unbounded == []


def test_request_bodies_refuse_unknown_fields(document):
    components = document["components"]["schemas"]
    for label, operation in operations(document):
        content = operation.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            assert components[name].get("additionalProperties") is False, label
