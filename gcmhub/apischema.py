"""The API's contract, in one place: what every endpoint accepts and answers.

* Request bodies derive from :class:`InputSchema`: an unknown field is refused
  (422 naming it) instead of being silently ignored, and every text goes
  through :data:`gcmhub.text` rules (no NUL, no lone surrogate) with a
  maximum length (:func:`Text`).
* Numbers that reach the database are bounded (:data:`Id`, :data:`Year`,
  :class:`Page`), so a huge ``limit`` or id is a 422, never a database
  overflow.
* :class:`ContractOpenAPI` writes the OpenAPI document: each operation lists
  the error responses it can give, all with the :class:`ErrorOut` shape, and
  public reads declare their bearer token as optional.

The error handlers themselves live in ``gcmhub/api.py``; ``docs/api.md``
describes the contract for clients.
"""

from typing import Annotated, Any

from ninja import NinjaAPI, Schema
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.pagination import LimitOffsetPagination
from ninja.schema import NinjaGenerateJsonSchema
from pydantic import AfterValidator, ConfigDict, Field, StrictBool, StrictInt, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from gcmhub.text import text_problem

# Ids are 64-bit in both databases; page bounds keep offset + limit inside it too.
MAX_ID = 2**63 - 1
MAX_PAGE_SIZE = 1000
MAX_OFFSET = 2**31 - 1
# A short code (ISO3 or M49 area, indicator, series, format, method …).
CODE_MAX = 100
BEARER_SCHEME = "BearerToken"
BODY_SOURCES = {"body", "form", "file"}


class ErrorOut(Schema):
    """Every error the API answers: a message, the field it is about (when
    there is one), and for invalid requests the list of problems."""

    detail: str = Field(description="What went wrong, in the caller's language")
    field: str | None = Field(None, description="The parameter or body field at fault")
    errors: list[dict[str, Any]] | None = Field(None, description="Each problem of an invalid request")


def _checked_text(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise PydanticCustomError("invalid_text", problem)
    return value


class _DocumentsNoNul:
    """Shows the NUL rule in the JSON schema (``pattern``); the check itself is
    :func:`_checked_text`, which also refuses lone surrogates."""

    def __get_pydantic_json_schema__(self, core_schema, handler):
        schema = handler(core_schema)
        schema["pattern"] = "^[^\\x00]*$"
        return schema


def Text(max_length: int):  # noqa: N802 (a type, used as one)
    """A string of at most ``max_length`` characters with no NUL and no lone
    surrogate. No ``Field`` inside, so a default after it (``= ""``) holds,
    in ninja's ``Form[...]`` too."""
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_checked_text), _DocumentsNoNul()]


Code = Text(CODE_MAX)
# In a path or query (text on the wire, so "3" is 3).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=1, le=9999)]
# In a JSON body, numbers and booleans must have their JSON type: 0 is not
# false, "3" is not 3.
Ref = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
Flag = StrictBool
# Record versions are PositiveIntegerField (32-bit on PostgreSQL).
Version = Annotated[StrictInt, Field(ge=1, le=2**31 - 1, description="The version you read; a stale one gets 409")]
# The same in a query string (DELETE has no body).
VersionParam = Annotated[int, Field(ge=1, le=2**31 - 1, description="The version you read; a stale one gets 409")]


def choices(enum, name: str):
    """A Django ``TextChoices`` as an inline enum named ``name``: several
    models have an inner class called ``Kind``, and OpenAPI components are
    keyed by class name, so ``$ref``-ing them would make them collide."""
    return Annotated[enum, WithJsonSchema({"title": name, "type": "string", "enum": list(enum.values)})]


class InputSchema(Schema):
    """Base of every request body: fields not in the schema are refused."""

    model_config = ConfigDict(extra="forbid")


class PageParams(Schema):
    limit: int = Field(100, ge=1, le=MAX_PAGE_SIZE, description=f"At most {MAX_PAGE_SIZE}")
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class Page(LimitOffsetPagination):
    """``limit``/``offset`` pagination with bounds the databases can hold."""

    Input = PageParams


# --- the OpenAPI document -----------------------------------------------------------

ERROR_DESCRIPTIONS = {
    400: "Malformed request (unreadable body or upload)",
    401: "Missing or invalid bearer token",
    403: "Not allowed for this caller",
    404: "No such record, or not visible to this caller",
    409: "Edit conflict: the record changed since the version sent",
    413: "Request body too large",
    422: "Invalid request: the field and the reason are given",
}


def _sources(operation) -> set[str]:
    return {model.__ninja_param_source__ for model in operation.models}


def error_statuses(operation) -> list[int]:
    """The error statuses ``operation`` can answer, from its shape."""
    sources = _sources(operation)
    statuses = [400, 422]
    if operation.auth_callbacks:
        statuses += [401, 403]
    if sources:
        statuses.append(404)
    if sources & BODY_SOURCES:
        statuses += [409, 413]
    return sorted(statuses)


class ContractOpenAPI(OpenAPISchema):
    def responses(self, operation) -> dict[int, dict]:
        result = super().responses(operation)
        error = self._error_schema()
        for status in error_statuses(operation):
            result.setdefault(
                status,
                {"description": ERROR_DESCRIPTIONS[status], "content": {"application/json": {"schema": error}}},
            )
        return result

    def operation_security(self, operation) -> list[dict] | None:
        """One bearer scheme; optional (``{}`` first) where the auth lets
        anonymous callers through, as public reads do."""
        if not operation.auth_callbacks:
            return None
        self.securitySchemes[BEARER_SCHEME] = {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from `gcmhub users token` or the account page",
        }
        if all(getattr(auth, "anonymous_allowed", False) for auth in operation.auth_callbacks):
            return [{}, {BEARER_SCHEME: []}]
        return [{BEARER_SCHEME: []}]

    def _error_schema(self) -> dict:
        if "ErrorOut" not in self.schemas:
            self.schemas["ErrorOut"] = ErrorOut.model_json_schema(
                ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema
            )
        return {"$ref": REF_TEMPLATE.format(model="ErrorOut")}


class ContractAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document is written by :class:`ContractOpenAPI`."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ContractOpenAPI(self, path_prefix)
