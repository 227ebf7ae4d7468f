"""Page helpers every app uses: domain errors as pages (404 for other teams' objects, the error
page with the error's status), messages."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import DomainError, NotFoundError


def not_found_as_404(view: Callable) -> Callable:
    """Map the domain's NotFoundError (other teams' objects) to Django's 404 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFoundError as exc:
            raise Http404(exc.message) from None
        except DomainError as exc:  # e.g. a reference shared by two of the user's teams
            return error_page(request, exc)

    return wrapper


def report_error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


def error_page(request: HttpRequest, exc: DomainError, *, title: str = "That did not work") -> HttpResponse:
    return render(
        request, "public/error.html", {"title": title, "message": exc.message}, status=exc.status_code
    )
