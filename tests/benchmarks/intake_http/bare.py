"""The floor for the intake benchmark: a minimal Django project in one file (settings, URL, view,
`application` for gunicorn) whose one view validates the public intake's fields with a plain Django form
and does one INSERT. Served by gunicorn with DEBUG off on the same PostgreSQL as SupportOps (run.py
creates its table): `gunicorn --chdir tests/benchmarks/intake_http bare:application`."""

import json
import os

import dj_database_url
from django import forms
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

TABLE = "bench_bare_submission"
if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-" + "x" * 40),
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        USE_TZ=True,
        INSTALLED_APPS=[],
        # Django's own defaults that apply to an anonymous JSON POST (no sessions or auth to load).
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        DATABASES={
            "default": dj_database_url.parse(
                os.environ["DATABASE_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
            )
        },
    )


class SubmissionForm(forms.Form):
    """The public intake's fields and limits (inquiries.api.serializers.PublicInquirySerializer)."""

    team = forms.SlugField(max_length=40)
    name = forms.CharField(max_length=120)
    email = forms.EmailField(max_length=254)
    subject = forms.CharField(max_length=200)
    body = forms.CharField(max_length=20000, strip=False)
    topic = forms.CharField(max_length=80, required=False)


@csrf_exempt
@require_POST
def submit(request):
    try:
        payload = json.loads(request.body)
    except ValueError:
        return JsonResponse({"detail": "not JSON"}, status=400)
    form = SubmissionForm(payload if isinstance(payload, dict) else {})
    if not form.is_valid():
        return JsonResponse(form.errors, status=400)
    data = form.cleaned_data
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (team, name, email, subject, body, topic, received_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [
                data["team"],
                data["name"],
                data["email"],
                data["subject"],
                data["body"],
                data["topic"],
                timezone.now(),
            ],
        )
        (pk,) = cursor.fetchone()
    return JsonResponse({"reference": f"BARE-{pk}"}, status=201)


urlpatterns = [path("submit/", submit)]
application = get_wsgi_application()
