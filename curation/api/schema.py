"""OpenAPI: every operation also documents the errors the API really answers."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

ErrorResponse = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(required=False),
        "code": serializers.CharField(required=False),
    },
)
# 400 bodies name the fields at fault: {field: [messages]} (or detail): a free-form object.
ValidationErrorResponse = {
    **build_basic_type(OpenApiTypes.OBJECT),
    "description": "{field: [messages]}, or {detail: message}",
}

ERRORS = {
    "400": (ValidationErrorResponse, "Invalid input: which field and why."),
    "401": (ErrorResponse, "Not authenticated."),
    "403": (ErrorResponse, "Not allowed for your role in this project."),
    "404": (ErrorResponse, "No such object in your projects."),
}
WRITE_ERRORS = {
    "409": (ErrorResponse, "Conflicts with the current state (e.g. an illegal review move)."),
    "412": (ErrorResponse, "Stale version or If-Match."),
    "413": (ErrorResponse, "Request body over the size limit."),
}


class ClaimdeskAutoSchema(AutoSchema):
    def _is_versioned(self) -> bool:
        return getattr(self.view, "precondition_required", False)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(ERRORS)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors.update(WRITE_ERRORS)
        if self.method in ("PUT", "PATCH", "DELETE") and self._is_versioned():
            errors["428"] = (ErrorResponse, "No If-Match header or `version`: say what you change.")
        for code, (serializer, description) in errors.items():
            if code not in responses:
                response = self._get_response_for_code(serializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses
