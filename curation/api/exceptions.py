"""One exception handler: domain errors to precise HTTP statuses.

ValidationError (Django) → 400 with the DRF shape {field: [messages]};
PermissionDenied → 403; InvalidTransition → 409 with the current status;
StaleVersion → 412 with the current version; ProtectedError (deleting what
annotations still use) and IntegrityError (a concurrent duplicate) → 409.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ..exceptions import DeleteRefused, InvalidTransition, StaleVersion


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def api_exception_handler(exc, context):
    if isinstance(exc, DeleteRefused):
        return Response(
            {"detail": str(exc), "code": exc.code, **exc.extra}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, InvalidTransition):
        return Response(
            {"detail": exc.messages[0], "code": "invalid_transition", "status": exc.status},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, StaleVersion):
        return Response(
            {"detail": exc.messages[0], "code": "stale_version", "version": exc.current},
            status=status.HTTP_412_PRECONDITION_FAILED,
        )
    if isinstance(exc, ProtectedError):
        blockers = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        return Response(
            {
                "detail": f"Still in use by {', '.join(blockers)}: remove those first.",
                "code": "protected",
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, IntegrityError):
        # Services check what they can first; this is the race they cannot see
        # (two requests creating the same thing at once). The write was rolled back.
        return Response(
            {
                "detail": "This conflicts with data written at the same time; reload and retry.",
                "code": "conflict",
            },
            status=status.HTTP_409_CONFLICT,
        )
    # Structured details beside the messages (a quote's occurrences, issue 17), added
    # after DRF turned the messages into strings.
    extra = getattr(exc, "extra", None)
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if extra and response is not None:
        for key, value in extra.items():
            if isinstance(value, dict) and isinstance(response.data.get(key), dict):
                response.data[key].update(value)
            else:
                response.data[key] = value
    return response
