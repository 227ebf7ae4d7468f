"""Settings shared by every environment; values come from the environment."""

from pathlib import Path

import dj_database_url

from observability.logging import json_logging_config
from supportops.openapi_names import ModelChoiceEnumNames

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("SUPPORTOPS_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "")
# Keys for secrets stored in the database (supportops.crypto); first one encrypts. Default: from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = [k for k in env_str("FIELD_ENCRYPTION_KEYS", "").split(",") if k.strip()]
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "supportops",
    "shifts",
    "inquiries",
    "postmortems",
    "notices",
    "axes",
    "security",
    "audit",
    "integrations",
    "bookings",
    "observability",
    "accounts",
    "rollups",
    "reports",
    "web",
]

MIDDLEWARE = [
    # First: every answer (even a redirect or an error from a later middleware) has an id and is counted.
    "observability.middleware.RequestIdMiddleware",
    "observability.middleware.MetricsMiddleware",
    # Then: a NUL byte in the path, query or form body is a 400 before any view or database sees it.
    "security.middleware.RejectNulBytesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The public intake without a cookie skips what it does not use below (web.middleware.LEAN_SKIPS).
    "web.middleware.LeanRoutesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's messages and django-csp, cheaper for requests that use neither (web.middleware).
    "web.middleware.LazyMessageMiddleware",
    "accounts.middleware.ViewerTimezoneMiddleware",
    "accounts.middleware.FriendlyNotFoundMiddleware",
    "web.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login attempt flagged as locked out into the lockout answer (429).
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): no inline script or style anywhere; every script is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "web.urls"
WSGI_APPLICATION = "supportops.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notices.context_processors.navigation",
                "accounts.context_processors.menu",
            ],
        },
    },
]

# Embedded default: SQLite in var/ when no DATABASE_URL is given.
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))}
    if DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis")):
        # An unreachable database fails a request in seconds instead of holding it for the OS timeout.
        DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Web, worker and beat share the file: wait for locks instead of failing.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The public intake's two statements as server-side prepared statements of each connection
# (supportops.db.execute_prepared): planned once per connection, not per submission. Turn off behind a
# pooler that hands one client several server sessions (pgbouncer in transaction mode).
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Email
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SupportOps <support@localhost>")
EMAIL_FILE_PATH = VAR_DIR / "mail"

# Celery. Embedded default: a filesystem broker (no server) shared by web, worker and beat.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # socket_connect_timeout bounds a publish to an unreachable (not just refusing) Redis host.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
else:
    _broker_dir = VAR_DIR / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    # The host part is unused by this transport; naming it keeps kombu from warning at every start.
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir),
        "store_processed": False,
        # Broadcast exchanges (worker remote control) would otherwise land in ./control of the cwd.
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
# A publish must never hang a web request during a broker outage: fail fast, the sweep catches up.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Sweeps never wait behind a burst of deliveries, nor deliveries behind a long sweep.
CELERY_TASK_ROUTES = {
    "inquiries.tasks.*": {"queue": "sweeps"},
    "shifts.tasks.*": {"queue": "sweeps"},
    "notices.tasks.deliver_pending_notifications": {"queue": "sweeps"},
    "notices.tasks.deliver_outbound*": {"queue": "notifications"},
    "notices.tasks.deliver_webhook": {"queue": "webhooks"},
    "notices.tasks.deliver_pending_webhooks": {"queue": "webhooks"},
}

SLA_SWEEP_SECONDS = env_int("SLA_SWEEP_SECONDS", 60)
SLA_WARNING_MINUTES = env_int("SLA_WARNING_MINUTES", 30)
# Shift boundaries older than this are not handed off any more (bounds the catch-up after downtime).
SLA_HANDOFF_CATCHUP_DAYS = env_int("SLA_HANDOFF_CATCHUP_DAYS", 7)
SHIFT_REMINDER_MINUTES = [int(m) for m in env_list("SHIFT_REMINDER_MINUTES", ["1440", "60"])]
# One person's shifts with gaps up to this long are one stretch, reminded once (shifts.services.reminders).
SHIFT_REMINDER_STRETCH_GAP_MINUTES = env_int("SHIFT_REMINDER_STRETCH_GAP_MINUTES", 60)
PUBLIC_INTAKE_RATE = env_str("PUBLIC_INTAKE_RATE", "20/hour")
# How often team mailboxes (email channel) are polled for new mail.
MAIL_POLL_SECONDS = env_int("MAIL_POLL_SECONDS", 60)
# Outbound connections (webhooks, mailboxes, integrations) go only to public addresses (SPEC 3.11),
# except these host names, addresses or CIDR ranges (comma-separated). Empty in production.
OUTBOUND_ALLOWED_HOSTS = env_list("OUTBOUND_ALLOWED_HOSTS", [])
# Extra CA bundle trusted for outbound TLS (webhooks over https; IMAP uses MAIL_CA_FILE, else this).
OUTBOUND_CA_FILE = env_str("OUTBOUND_CA_FILE", "")
MAIL_CA_FILE = env_str("MAIL_CA_FILE", "")
# The authserv-id of the Authentication-Results header our own receiving server adds (RFC 8601);
# headers with any other id may be forged by the sender and are ignored. Empty: no reply is verified.
MAIL_AUTHSERV_ID = env_str("MAIL_AUTHSERV_ID", "")
# Seconds a webhook receiver has to answer (connect and response each).
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 5)

REST_FRAMEWORK = {
    # Token first: its `WWW-Authenticate: Token` header makes a call without credentials a 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a request without credentials gets 401 with WWW-Authenticate: Token.
        "security.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "supportops.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "supportops.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "supportops.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"public_intake": PUBLIC_INTAKE_RATE},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SupportOps API",
    "DESCRIPTION": "Rotations, inquiries, response goals, handoffs, postmortems and reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Read-only fields only in responses, so generated clients need not send them.
    "COMPONENT_SPLIT_REQUEST": True,
    # A JSON API (SPEC 4): bodies are documented as JSON only (forms still parse, for the browsable API).
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # Enums named after their model's choices class: InquiryStatusEnum, ImprovementStatusEnum, ...
    "ENUM_NAME_OVERRIDES": ModelChoiceEnumNames(),
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "supportops_cache"}
    )
}

# /metrics for a Prometheus scraper with `Authorization: Bearer <token>`; unset: /metrics answers 404.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

# JSON lines on stdout for every process (web, gunicorn, worker, beat), with request and task ids.
LOGGING = json_logging_config(env_str("LOG_LEVEL", "INFO"))

# Security (issue 10). Client addresses: how many reverse proxies we run in front of the app; every throttle
# and the login lockout read the client from X-Forwarded-For only that far (security.client_ip).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# A budget per team for public intake, shared by every client, on top of PUBLIC_INTAKE_RATE per client.
PUBLIC_INTAKE_TEAM_RATE = env_str("PUBLIC_INTAKE_TEAM_RATE", "200/hour")
# Password reset requests: per client address and per email address (the latter silently, no enumeration).
PASSWORD_RESET_IP_RATE = env_str("PASSWORD_RESET_IP_RATE", "10/hour")
PASSWORD_RESET_EMAIL_RATE = env_str("PASSWORD_RESET_EMAIL_RATE", "3/hour")
# API tokens expire this many days after they were issued (or rotated); a password change rotates them.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)

# Login lockout (django-axes) for /accounts/login/, /admin/login/ and /api/v1/auth/token/: the 11th wrong
# password in a row for one username from one client is refused for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "security.backends.LockoutBackend",
    # ModelBackend that loads the user with their time zone in one query (accounts.backends).
    "accounts.backends.ProfileAwareBackend",
]
# Axes refuses the attempt that reaches its limit: 10 wrong passwords are answered, the 11th is refused.
LOGIN_FAILURES_ALLOWED = env_int("LOGIN_FAILURES_ALLOWED", 10)
AXES_FAILURE_LIMIT = LOGIN_FAILURES_ALLOWED + 1
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "security.client_ip.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "security.views.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# A successful login is not worth a row per request; failures are what the lockout needs.
AXES_DISABLE_ACCESS_LOG = True
