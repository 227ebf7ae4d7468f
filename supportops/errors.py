"""Domain errors raised by services; the API and pages map them to HTTP once.

The API maps every `DomainError` to its `status_code` in `supportops.api.exception_handler`. Pages catch
them where a form shows the message; `Forbidden` left uncaught is also Django's `PermissionDenied`, so
Django's 403 handler renders templates/403.html with its message.
"""

from django.core.exceptions import PermissionDenied


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    status_code = 400


class Forbidden(DomainError, PermissionDenied):
    """The actor may see the object but not do this to it (a developer changing team settings)."""

    status_code = 403


class NotFoundError(DomainError):
    status_code = 404


class ConflictError(DomainError):
    status_code = 409
