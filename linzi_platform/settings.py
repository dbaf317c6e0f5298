"""Settings for every deployment; each knob is read from the environment.

Embedded default (nothing set): SQLite and kombu's filesystem broker under var/.
Production: DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis), DEBUG off and a real
SECRET_KEY, or the process refuses to start.
"""

import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LINZI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)

INSECURE_DEV_SECRET_KEY = "django-insecure-linzi-dev-only-never-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "") or INSECURE_DEV_SECRET_KEY
if not DEBUG and SECRET_KEY == INSECURE_DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: with DEBUG off the platform refuses to start on the "
        "built-in development key. Set SECRET_KEY (50+ random characters)."
    )

SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "linzi_platform.apps.AxesConfig",  # django-axes, named in Chinese
    # django-otp: two-factor sign-in (organizations.two_factor), its apps named in Chinese
    "django_otp",
    "linzi_platform.apps.OtpTotpConfig",
    "linzi_platform.apps.OtpStaticConfig",
    "organizations",
    "workdays",
    "audit",
    "counterparties",
    "approvals",
    "notifications",
    "supervision",
    "credit",
    "coordination",
    "reporting",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "linzi_platform.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "linzi_platform.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "linzi_platform.sessions.SessionTimeoutMiddleware",
    "organizations.two_factor.TwoFactorMiddleware",
    "organizations.passwords.PasswordChangeRequiredMiddleware",
    "linzi_platform.middleware.StripNulFromQueryMiddleware",
    "linzi_platform.middleware.RecordsInPlatformLanguageMiddleware",
]

if not DEBUG:
    # Production serves its collected static files itself; runserver does it in DEBUG.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "linzi_platform.urls"
WSGI_APPLICATION = "linzi_platform.wsgi.application"

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
                "django.template.context_processors.i18n",
                "organizations.context_processors.staff",
                "workdays.context_processors.calendar_warnings",
                "notifications.context_processors.unread",
                "linzi_platform.sessions.session_expiry",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another (PostgreSQL in production).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compilation: our queries are short index reads, and PostgreSQL compiled
        # every plan whose estimate passed jit_above_cost (the home page's monthly counts, a
        # parallel plan) for ~30-90 ms per execution, more than the query itself.
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = f"-c jit=off {_options.get('options', '')}".strip()
else:
    # A fresh checkout has no var/ yet: SQLite cannot create its file without the folder.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Web server, worker and beat share the file: WAL and immediate transactions
            # keep concurrent writers from failing with "database is locked".
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache (API throttles, calendar warnings) across web processes in production.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's password backend, refusing every password while PASSWORD_SIGN_IN is off.
    "organizations.sign_in.PasswordBackend",
    # Unified identity sign-in (统一身份认证, OpenID Connect): only its callback calls it.
    "organizations.oidc.backend.StaffOidcBackend",
]
# Staff passwords (GB/T 22239-2019 8.1.4.1 a): at least 10 characters of three of the four
# kinds, not like the user name, not a common password, none of the last 5 again
# (organizations/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "organizations.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "organizations.passwords.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
# A password older than this many days must be changed at the next page (0: never expires).
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))
# Only `make run` sets this: the demo accounts (README's password) are never forced to change
# it nor see it expire. With DEBUG off the platform refuses to start with it.
PASSWORD_POLICY_EXEMPT_DEMO = env_bool("PASSWORD_POLICY_EXEMPT_DEMO", False)
if PASSWORD_POLICY_EXEMPT_DEMO and not DEBUG:
    raise ImproperlyConfigured(
        "PASSWORD_POLICY_EXEMPT_DEMO is for the demo of `make run` only: with DEBUG off every "
        "account follows the password policy. Unset it."
    )
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Unified identity sign-in (统一身份认证) over OpenID Connect (organizations/oidc/): on when
# OIDC_ISSUER names the district's identity provider. The authorisation code flow with PKCE
# (S256) and a nonce; the ID token is RS256, checked against the provider's JWKS, its issuer and
# its audience (this client id). Endpoints come from the issuer's
# .well-known/openid-configuration unless named one by one (OIDC_OP_*_ENDPOINT). The account
# claim names the platform user (it must exist and have a staff membership: nobody is created);
# the department claim, when named, must name that membership's department.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip().rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("OIDC_SCOPES", "openid profile")
OIDC_ACCOUNT_CLAIM = os.environ.get("OIDC_ACCOUNT_CLAIM", "preferred_username")
OIDC_DEPARTMENT_CLAIM = os.environ.get("OIDC_DEPARTMENT_CLAIM", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
# The client secret in an HTTP Basic header at the token endpoint (client_secret_basic)
# instead of the request body (client_secret_post), for providers that accept only that.
OIDC_TOKEN_USE_BASIC_AUTH = env_bool("OIDC_TOKEN_USE_BASIC_AUTH", False)
# Seconds the provider's answers are waited for, and the discovery document is kept.
OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT", "10"))
OIDC_DISCOVERY_CACHE_SECONDS = int(os.environ.get("OIDC_DISCOVERY_CACHE_SECONDS", "3600"))
# Seconds of clock difference tolerated between the provider and the platform (exp, iat).
OIDC_CLOCK_SKEW_SECONDS = int(os.environ.get("OIDC_CLOCK_SKEW_SECONDS", "60"))
# mozilla-django-oidc's own settings, fixed: RS256 only, PKCE and a nonce, nobody created.
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc:callback"
# Whom a refused person is told to ask (the refusal page, the lockout page): e.g. "区行政审批
# 服务局信息科 0533-7180000". Empty: the page names the platform administrators.
SUPPORT_CONTACT = os.environ.get("SUPPORT_CONTACT", "")
# Signing in with the platform's own user name and password (the embedded default). Off, only
# unified identity sign-in remains: the login page shows no password form and every password
# is refused, the admin's login too.
PASSWORD_SIGN_IN = env_bool("PASSWORD_SIGN_IN", True)
if not PASSWORD_SIGN_IN and not OIDC_ISSUER:
    raise ImproperlyConfigured(
        "PASSWORD_SIGN_IN is off but OIDC_ISSUER is not set: nobody could sign in. Set "
        "OIDC_ISSUER (and OIDC_CLIENT_ID, OIDC_CLIENT_SECRET) or turn PASSWORD_SIGN_IN on."
    )
if OIDC_ISSUER and not DEBUG and not OIDC_ISSUER.startswith("https://"):
    raise ImproperlyConfigured(
        "OIDC_ISSUER must be an https:// address with DEBUG off: the ID token and the "
        "client secret would otherwise travel in the clear."
    )
if OIDC_ISSUER and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured(
        "OIDC_ISSUER is set but OIDC_CLIENT_ID or OIDC_CLIENT_SECRET is not: set both, as "
        "registered with the identity provider."
    )

# django-axes: lock a username+address out after 5 failed logins, an address after 20 (any
# usernames), a username after 10 (any addresses, within 15 minutes, never at an address the
# user signed in from in the last 30 days). Reasons in organizations/lockout.py.
AXES_HANDLER = "organizations.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
LOGIN_LOCKOUT_ADDRESS_LIMIT = int(os.environ.get("LOGIN_LOCKOUT_ADDRESS_LIMIT", "20"))
LOGIN_LOCKOUT_USERNAME_LIMIT = int(os.environ.get("LOGIN_LOCKOUT_USERNAME_LIMIT", "10"))
LOGIN_LOCKOUT_USERNAME_COOLOFF = datetime.timedelta(
    minutes=int(os.environ.get("LOGIN_LOCKOUT_USERNAME_COOLOFF_MINUTES", "15"))
)
LOGIN_LOCKOUT_KNOWN_ADDRESS_DAYS = int(os.environ.get("LOGIN_LOCKOUT_KNOWN_ADDRESS_DAYS", "30"))
# Reverse proxies in front of the platform that append to X-Forwarded-For (0: none, the
# client is REMOTE_ADDR). Behind a proxy this must be set, or every login counts against the
# proxy's one address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "organizations.lockout.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "organizations.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# A lock lasts its window from the failure that set it: attempts refused during it neither count
# nor extend it, so keeping a clerk out takes fresh failures (organizations/lockout.py).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Every failed login is kept in the admin (登录失败处理 evidence), besides the lockout counters.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "organizations.forms.axes_username"

# Two-factor sign-in (GB/T 22239-2019 level 3, 8.1.4.1 d): platform admins and whoever enters
# /admin/ confirm a TOTP code (or a one-time recovery code) after the password; other staff
# may enrol. Failed codes back off exponentially (1, 2, 4… seconds per failure, the factor).
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "临淄区审批监管互动平台")
OTP_TOTP_THROTTLE_FACTOR = int(os.environ.get("OTP_TOTP_THROTTLE_FACTOR", "1"))
OTP_STATIC_THROTTLE_FACTOR = int(os.environ.get("OTP_STATIC_THROTTLE_FACTOR", "1"))
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# The demo accounts of `make run` sign in with the README's password alone. Only `make run`
# sets it; with DEBUG off the platform refuses to start with it.
TWO_FACTOR_EXEMPT_DEMO = env_bool("TWO_FACTOR_EXEMPT_DEMO", False)
if TWO_FACTOR_EXEMPT_DEMO and not DEBUG:
    raise ImproperlyConfigured(
        "TWO_FACTOR_EXEMPT_DEMO is for the demo of `make run` only: with DEBUG off every "
        "platform admin signs in with a second factor. Unset it."
    )

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
# Uploads live outside the web root and are served only through permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Request size: a form's or a JSON body's fields at most DATA_UPLOAD_MAX_MEMORY_SIZE (Django's
# 2.5 MB), a whole request (ten 10 MB attachments and the form) at most REQUEST_MAX_BYTES;
# over either the answer is a 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 2621440))
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", 105 * 1024 * 1024))

# Import of licences in force (admin, 存量许可导入): the largest file, the most rows of one file,
# the rows written per transaction. The file limit stays below REQUEST_MAX_BYTES, so that a
# file over it is refused by the upload form with a message saying so (`manage.py check`).
LICENCE_IMPORT_MAX_BYTES = int(os.environ.get("LICENCE_IMPORT_MAX_BYTES", 15 * 1024 * 1024))
LICENCE_IMPORT_MAX_ROWS = int(os.environ.get("LICENCE_IMPORT_MAX_ROWS", 100_000))
LICENCE_IMPORT_BATCH_SIZE = int(os.environ.get("LICENCE_IMPORT_BATCH_SIZE", 500))

# Security headers; the secure-transport ones default on whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from the site
# itself, no inline code, no framing, forms posted only back to the site. The API docs widen
# img-src for Swagger UI alone (linzi_platform/api_docs.py). The environment's CSP_REPORT_ONLY
# sends the same policy as Content-Security-Policy-Report-Only instead (to try a change out),
# and CSP_REPORT_URI names where browsers report violations. (Lower-case names: django-csp 4
# refuses to start on settings named CSP_*, its 3.x format.)
csp_report_uri = os.environ.get("CSP_REPORT_URI", "")
_CSP_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        **({"report-uri": [csp_report_uri]} if csp_report_uri else {}),
    }
}
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP_POLICY
else:
    CONTENT_SECURITY_POLICY = _CSP_POLICY
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sessions (GB/T 22239-2019 8.1.4.1 b): a signed-in session ends SESSION_IDLE_TIMEOUT seconds
# after its last request (default 30 minutes; the page warns before) and at the latest
# SESSION_ABSOLUTE_LIMIT seconds after the sign-in (default 8 hours), whatever the activity.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_ABSOLUTE_LIMIT = int(os.environ.get("SESSION_ABSOLUTE_LIMIT", str(8 * 3600)))
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
# The database store that also tells the page when the session ends (static/js/session.js
# warns before it does and keeps a draft of the forms being filled in).
SESSION_ENGINE = "linzi_platform.sessions"
# A refused form (stale token: the login ran out, or it was renewed in another window) gets
# a page in the site's layout that explains it and leads back to the form.
CSRF_FAILURE_VIEW = "linzi_platform.error_views.csrf_failure"

# E-mail: console in the embedded default, SMTP (or any backend) by settings.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "临淄区审批监管互动平台 <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# A push's notices, e-mail and webhook rows follow its commit (notifications/fanout.py); the
# beat sweep fans out any push still unannounced this many seconds after it was sent.
PUSH_FANOUT_GRACE_SECONDS = int(os.environ.get("PUSH_FANOUT_GRACE_SECONDS", "60"))

# SMS reminders (短信提醒): a backend like EMAIL_BACKEND — the console by default,
# notifications.sms.backends.FileBackend (files under SMS_FILE_PATH) or HttpGatewayBackend
# (the government SMS platform: URL, account, HMAC signing secret, one template id per kind).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "notifications.sms.backends.ConsoleBackend")
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", "") or VAR_DIR / "sms")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_ACCOUNT = os.environ.get("SMS_GATEWAY_ACCOUNT", "")
SMS_GATEWAY_SECRET = os.environ.get("SMS_GATEWAY_SECRET", "")
SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", "10"))
SMS_TEMPLATE_DEADLINE_TODAY = os.environ.get("SMS_TEMPLATE_DEADLINE_TODAY", "")
SMS_TEMPLATE_AUTO_CLAIMED = os.environ.get("SMS_TEMPLATE_AUTO_CLAIMED", "")
# Attempts before a message the gateway keeps failing on (5xx, timeouts) is given up.
SMS_MAX_ATTEMPTS = int(os.environ.get("SMS_MAX_ATTEMPTS", "8"))

# The working-day calendar (R0): deadlines fall at the close of office hours.
WORKDAY_CLOSE = datetime.time.fromisoformat(os.environ.get("WORKDAY_CLOSE", "17:30"))
WORKDAY_OPEN = datetime.time.fromisoformat(os.environ.get("WORKDAY_OPEN", "08:30"))

# Celery: kombu's filesystem transport under var/ unless CELERY_BROKER_URL names Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or "filesystem://"
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = os.environ.get(
        "CELERY_RESULT_BACKEND", f"file://{CELERY_QUEUE_DIR / 'results'}"
    )
else:
    # An unacknowledged task (its worker was killed) is delivered again after
    # `visibility_timeout` seconds; a refused or unreachable broker fails a publish fast.
    _visibility_timeout = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility_timeout,
        # Workers look for such abandoned messages every interval × throttle seconds
        # (kombu's 10 × 10 by default): often enough for a short timeout too.
        "unacked_restore_interval": max(1, min(10, _visibility_timeout // 30)),
        "unacked_restore_throttle": 1 if _visibility_timeout < 300 else 10,
        "socket_connect_timeout": 5,
    }
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_RESULT_EXPIRES = datetime.timedelta(days=1)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged only after it ran: a killed worker's task is delivered again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing happens after commit; when the broker is down, give up quickly; the outbox
# rows stay pending and the periodic retry sweep sends them later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE_FILENAME = str(
    os.environ.get("CELERY_BEAT_SCHEDULE_FILENAME", VAR_DIR / "celerybeat-schedule")
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organizations.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per API key (or per user for the web UI's own calls); configurable from the environment.
    "DEFAULT_THROTTLE_CLASSES": [
        "linzi_platform.throttling.ApiClientRateThrottle",
        "linzi_platform.throttling.StaffUserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_client": os.environ.get("THROTTLE_API_CLIENT", "600/minute"),
        "staff_user": os.environ.get("THROTTLE_USER", "300/minute"),
        "anon": os.environ.get("THROTTLE_ANON", "60/minute"),
    },
    "EXCEPTION_HANDLER": "linzi_platform.api_errors.exception_handler",
    # JSON only, with a size and a nesting-depth limit (a 400/413 in the envelope instead of a
    # RecursionError); the few endpoints that take a file add multipart (parsers.UPLOAD_PARSERS),
    # so the schema offers SDK generators only the bodies each endpoint really takes.
    "DEFAULT_PARSER_CLASSES": ["linzi_platform.parsers.JSONParser"],
    # The API's own test client speaks JSON too.
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    # An ASCII title: SDK generators name the client package after it (openapi-python-client
    # makes `linzi-platform-client`, package `linzi_platform_client`); the Chinese name is in
    # the description and in info.x-title-zh (the docs page's title).
    "TITLE": "Linzi Platform",
    "DESCRIPTION": "临淄区审批监管互动平台 API: REST API v1 for the Linzi approval-supervision "
    "coordination platform.",
    "EXTENSIONS_INFO": {"x-title-zh": "临淄区审批监管互动平台 API"},
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the locally installed sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Separate request components, so write-only rules (non-blank strings) are in the schema.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "linzi_platform.openapi.add_contract_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Commercial cryptography (密评): the hash of the audit chain and the webhook HMAC, "sha256" or
# "sm3" (GB/T 32905). Switching is safe at any time: every audit event records its algorithm.
CRYPTO_HASH = os.environ.get("CRYPTO_HASH", "sha256").strip().lower()

# Outbound webhooks may reach private networks only inside these intranet ranges (comma-
# separated CIDRs, e.g. "10.20.0.0/16,172.16.5.0/24"; empty: public addresses only). Loopback,
# link-local and cloud-metadata addresses are always refused (notifications/webhook_targets.py),
# loopback except when WEBHOOK_ALLOW_LOOPBACK is on: for the test suite and local development
# only, never in production.
WEBHOOK_ALLOWED_PRIVATE_CIDRS = [
    str(ipaddress.ip_network(cidr.strip(), strict=False))
    for cidr in os.environ.get("WEBHOOK_ALLOWED_PRIVATE_CIDRS", "").split(",")
    if cidr.strip()
]
WEBHOOK_ALLOW_LOOPBACK = env_bool("WEBHOOK_ALLOW_LOOPBACK", False)

# Demo and test helpers.
PLATFORM_NAME = _("Linzi Approval-Supervision Coordination Platform")

# The monthly report as an official notice (通报): its document-number prefix
# ("临审管通〔2026〕10号") and issuing authority (empty: the approval department's name).
REPORT_DOCUMENT_PREFIX = os.environ.get("REPORT_DOCUMENT_PREFIX", "临审管通")
REPORT_ISSUER = os.environ.get("REPORT_ISSUER", "")

# The terms the open-data files (/open-data/) are published under: one statement, shown on
# the open-data page beside every download.
OPEN_DATA_LICENCE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.zh-hans",
    "terms": _(
        "Open data under the Creative Commons Attribution 4.0 International licence "
        "(CC BY 4.0): free to copy, use, adapt and republish, commercial use included, "
        "provided the source is credited as the Linzi District Administrative Approval "
        "Service Bureau."
    ),
}
