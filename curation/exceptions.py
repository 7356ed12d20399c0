"""Domain errors that are neither invalid input (ValidationError, 400) nor
forbidden (PermissionDenied, 403); the API maps them to 409 and 412."""

from django.core.exceptions import PermissionDenied, ValidationError


class InvalidTransition(ValidationError):
    """A review move that the claim's current status does not allow (409)."""

    def __init__(self, move: str, status: str):
        self.move = move
        self.status = status
        super().__init__(f"Cannot {move} a claim that is {status}.", code="invalid_transition")


class StaleVersion(ValidationError):
    """The write was based on an older version of the object (412)."""

    def __init__(self, expected: int, current: int, what: str = "claim"):
        self.expected = expected
        self.current = current
        super().__init__(
            f"The {what} changed since version {expected}; it is now version {current}. "
            "Reload it and apply your change again.",
            code="stale_version",
        )


class ItemsInvalid(Exception):
    """Some items of a batch are invalid: the ValidationError of each, by index."""

    def __init__(self, errors: dict[int, ValidationError]):
        self.errors = errors
        super().__init__(f"{len(errors)} invalid item(s): {sorted(errors)}")


class DeleteRefused(PermissionDenied):
    """A delete that would silently lose work (409 in the API, refused in the admin):
    a topic that claims use (unless confirmed), a claim carrying others' evidence.
    `extra` says what is at stake (counts, usernames)."""

    def __init__(self, message: str, *, code: str, **extra):
        self.code = code
        self.extra = extra
        super().__init__(message)
