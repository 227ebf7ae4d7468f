"""django-helpdesk's minimal project in one file, for the intake benchmark: its public ticket form
(`/tickets/submit/`) served by gunicorn with DEBUG off, on the same PostgreSQL as SupportOps, from its own
venv (var/helpdesk-venv, made by run.py). Mail goes to Django's dummy backend (nothing is sent, as
SupportOps only queues its mail in the request). `gunicorn --chdir tests/benchmarks/intake_http
helpdesk_site:application`; `python helpdesk_site.py migrate|seed` sets it up."""

import os
import sys

import dj_database_url
from django.conf import settings
from django.urls import include, path

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-" + "x" * 40),
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        USE_TZ=True,
        SITE_ID=1,
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "django.contrib.sites",
            "django.contrib.humanize",
            "rest_framework",
            "helpdesk",
        ],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        DATABASES={
            "default": dj_database_url.parse(
                os.environ["DATABASE_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
            )
        },
        STATIC_URL="/static/",
        LOGIN_URL="/login/",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        DEFAULT_FROM_EMAIL="helpdesk@example.org",
        HELPDESK_TEAMS_MODE_ENABLED=False,
        HELPDESK_PUBLIC_TICKET_QUEUE="support",
        HELPDESK_PUBLIC_TICKET_PRIORITY=3,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )

import django  # noqa: E402

django.setup()

urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]


def seed() -> None:
    """The public queue the form submits to."""
    from django.contrib.sites.models import Site
    from helpdesk.models import Queue

    Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1", "name": "bench"})
    Queue.objects.update_or_create(
        slug="support",
        defaults={"title": "Support", "allow_public_submission": True, "email_address": "q@example.org"},
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["seed"]:
        seed()
    else:
        from django.core.management import execute_from_command_line

        execute_from_command_line([sys.argv[0], *sys.argv[1:]])
else:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
