"""OpenAPI post-processing: the refusals every operation can give, so the schema says what the API really does."""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}

# What any authenticated operation may answer, besides its own responses.
COMMON = {
    "401": "Not authenticated: send `Authorization: Token <key>` or a session cookie.",
    "403": "Your account has no role on the desk, or your role does not allow this.",
    "429": "Too many requests: wait for the number of seconds in Retry-After.",
}
# What any operation with a JSON body may answer.
WITH_BODY = {
    "400": "The body is not valid JSON, or some fields are not valid.",
    "413": "The body is too large.",
    "415": "Send the body as application/json.",
}
# Lists are paginated: a page that does not exist is 404.
PAGINATED = {"404": "No such page."}


def _error_response(description: str, content_types: list[str]) -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": ERROR_REF} for media in content_types}}


def add_common_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular hook: add the shared refusals (with the Error body) to every operation of the API."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Error",
        {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "errors": {"type": "object", "additionalProperties": {}, "description": "Messages per field."},
            },
            "required": ["code", "message", "errors"],
        },
    )
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            media = sorted({m for r in responses.values() for m in r.get("content", {})}) or ["application/json"]
            extra = dict(COMMON)
            if method in ("post", "put", "patch") and "requestBody" in operation:
                extra.update(WITH_BODY)
            if "{id}" in path:
                extra.setdefault("404", "No such row.")
            if any(p.get("name") == "page" for p in operation.get("parameters", [])):
                extra.update(PAGINATED)
                extra.setdefault("400", "A filter is not valid.")
            for code, description in extra.items():
                responses.setdefault(code, _error_response(description, media))
    return result
