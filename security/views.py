"""Pages of the security app: the login lockout answer and the rate-limited password reset."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .client_ip import client_ip
from .passwords import password_reset_email_allowed, password_reset_ip_allowed, password_reset_request

LOCKOUT_MESSAGE = (
    "Too many failed sign-in attempts for this account from your address. "
    "Wait {minutes} minutes and try again, or reset your password."
)


def lockout_minutes() -> int:
    return max(1, round(float(settings.AXES_COOLOFF_TIME) * 60))


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with a message, JSON for the API and a page for the forms."""
    message = LOCKOUT_MESSAGE.format(minutes=lockout_minutes())
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(lockout_minutes() * 60)
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, answered the same way for every address; the email goes via the outbox."""

    def post(self, request, *args, **kwargs):
        if not password_reset_ip_allowed(client_ip(request)):
            return render(
                request,
                "registration/locked_out.html",
                {"message": "Too many password reset requests from your address. Please try again later."},
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        # Over the per-address limit, nothing is sent, and the answer is the same as ever.
        if password_reset_email_allowed(email):
            password_reset_request(email=email)
        return super(auth_views.PasswordResetView, self).form_valid(form)
