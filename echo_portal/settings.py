"""Settings for ECHO Portal, read from the environment (twelve-factor).

Defaults make `make run` work on a fresh machine: SQLite under var/, tasks run
in-process, emails written under var/mail/. Production sets DEBUG=off and must
then provide SECRET_KEY and ALLOWED_HOSTS, or the process refuses to start.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.i18n import localized_verbose_name

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
# Sessions, password-reset links and unsubscribe links are signed with it: production refuses a short or known key.
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be a random value of at least 50 characters, not the development key, when DEBUG is off "
        "(for example: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else [])
# `make run` sets SITE_URL from the port it serves on when it is unset, so links in emails reach the running site.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# What emails call the site (allauth's "Hello from …!"), in the reader's language.
SITE_NAME = _("ECHO Portal")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    # Before the admin: it adds the per-language fields (title_en, title_fr) to the admin's forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "csp",
    "core",
    "echo_portal",
    "accounts",
    "hubs",
    "series",
    "sessions.apps.SessionsConfig",
    "enrollment",
    "notifications",
    "outreach",
    "evaluation",
    "reports",
    "certificates",
    "cases",
    "content",
    # Last: its catalogue translates "session" as « session » (its own model), where ours says « séance ».
    "django.contrib.sessions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /healthz answered before anything reads the shared cache, so it can say the cache is down (core/health.py).
    "core.health.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A visitor who is not signed in gets a stored public page here, before the rest runs (core/page_cache.py).
    "core.page_cache.VisitorPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware with the signed-in user's row from the cache (accounts/user_cache.py).
    "accounts.user_cache.CachedUserAuthenticationMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    # A NUL character in the address (400) or an id larger than any row's (404): never a database error.
    "core.address_guards.AddressGuardMiddleware",
    # allauth limits /accounts/login/; this limits the admin's own login form (see the module).
    "core.admin_login.AdminLoginRateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Anonymous visitors get public pages rendered at most PUBLIC_PAGE_CACHE_SECONDS ago (see the module).
    "core.page_cache.PublicPageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the policy built once per process (core/content_security_policy.py).
    "core.content_security_policy.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "echo_portal.urls"
WSGI_APPLICATION = "echo_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                # Django's csrf_token, masked in a fraction of the time (core/csrf_tokens.py): every page has one.
                "core.csrf_tokens.csrf",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must survive a double click and two tabs: readers never wait for the writer (WAL),
    # a writer waits its turn instead of failing with "database is locked" (timeout, in seconds), and every
    # transaction takes the write lock when it begins (IMMEDIATE), so two never deadlock upgrading a read lock.
    # SQLite has no SELECT … FOR UPDATE: IMMEDIATE is what serialises the seat checks there.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env.int("SQLITE_TIMEOUT", default=20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if not DEBUG else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://echo-portal")}
# Django's cached_db sessions; the signed-in user's cache can read a session and its user in one round trip.
SESSION_ENGINE = "accounts.sessions"
# How long a public page rendered for visitors who are not signed in is reused; 0 turns it off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=30)
# How long each web process reuses a stored page it fetched, without asking the shared cache again: a staff
# edit reaches visitors served by the other processes within this time (at once in the process that made it).
PUBLIC_PAGE_WORKER_SECONDS = env.float("PUBLIC_PAGE_WORKER_SECONDS", default=1.0)
# The pages it keeps (URL names); the apps behind them invalidate it when their rows change.
PUBLIC_PAGE_CACHE_VIEWS = frozenset(
    {
        "home",
        "series:catalog",
        "series:detail",
        "echo_sessions:detail",
        "echo_sessions:past",
        "hubs:list",
        "hubs:detail",
        "about",
        "content:faq",
        "content:newsletters",
        "content:newsletter",
        "content:reports",
        "content:report",
        "privacy",
        "contact",
    }
)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# A form whose CSRF token went stale gets the site's own page (templates/403_csrf.html).
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

# django-allauth: configure, don't fork.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ECHO] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Rate limits count per client address: behind a load balancer, say how many proxies append to
# X-Forwarded-For, or every learner would share the balancer's address (and its limit).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

LANGUAGE_CODE = "en"
# English dates written out in full, as the portal's sentences write them (echo_portal/formats/en/formats.py).
FORMAT_MODULE_PATH = ["echo_portal.formats"]
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
# The second: Canadian French for allauth's own words (courriel, not e-mail), over allauth's France French.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "accounts" / "allauth_locale"]
# django-modeltranslation: text staff write in both languages (programme, FAQ, pages, mailings) is stored per
# language; a field left empty in the visitor's language shows the other one, so a French-only series reads in
# French for everyone and an English one in English until staff add the French.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "fr")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "fr"), "en": ("fr",), "fr": ("en",)}
MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = localized_verbose_name
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/Toronto"
DEFAULT_VIEWER_TIME_ZONE = "America/Toronto"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded session materials are never served from a public path: only sessions' download view reads them,
# after checking who may. Locally they are files under var/media/; in production a private bucket of any
# S3-compatible store (MEDIA_S3_BUCKET set), reached with the keys below or the machine's own role.
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET", default="")
_MEDIA_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env("MEDIA_S3_ENDPOINT_URL", default=None),
            "region_name": env("MEDIA_S3_REGION", default=None),
            "access_key": env("MEDIA_S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("MEDIA_S3_SECRET_ACCESS_KEY", default=None),
            "location": env("MEDIA_S3_PREFIX", default="media"),
            # Objects stay private; a name is never reused, so one upload cannot replace another.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
        },
    }
    if MEDIA_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": _MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Mail: files under var/mail/ unless EMAIL_URL says otherwise.
EMAIL_URL = env("EMAIL_URL", default=f"filemail://{VAR_DIR / 'mail'}")
vars().update(env.email_url_config(EMAIL_URL))
if EMAIL_URL.startswith("filemail:"):
    # django-environ drops the leading slash of filemail:///an/absolute/path; a relative one is under the project.
    EMAIL_FILE_PATH = str(BASE_DIR / EMAIL_URL.split("://", 1)[-1].split("?", 1)[0])
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ECHO Portal <echo@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CONTACT_EMAIL = env("CONTACT_EMAIL", default="echo@localhost")
# Canada's anti-spam law: every mailing names its sender and a mailing address; the consent wording says them too.
MAILING_SENDER_NAME = env("MAILING_SENDER_NAME", default="Pallium Canada")
MAILING_SENDER_ADDRESS = env(
    "MAILING_SENDER_ADDRESS", default="30 Rosemount Avenue, Suite 100, Ottawa, ON K1Y 1P4, Canada"
)
# Who is told of a new partner-interest submission.
PARTNER_INQUIRY_EMAIL = env("PARTNER_INQUIRY_EMAIL", default=CONTACT_EMAIL)

# Celery: without a broker, tasks run in-process (the only place eager mode is allowed).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = False
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must never hold a request hostage when Redis is down: the outbox sweep delivers later.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Measured: with Redis refusing connections a publish fails in under 0.1 s; with Redis accepting but never
    # answering it failed after socket_timeout (5.1 s at 5 s), so 2 s bounds a stuck publish to about 2 s.
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    # How long a task taken but not acknowledged (its worker died) waits before Redis hands it out again.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BEAT_SCHEDULE = {
    # The outbox's safety net: emails whose after-commit task was lost (broker or worker down) go out within minutes.
    "sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": 60.0},
    # Reminders 24 h and 1 h before each session, and the recording follow-ups: idempotent, so a late or
    # doubled beat sends nothing twice.
    "queue-due-reminders": {"task": "enrollment.tasks.queue_due_reminders", "schedule": 300.0},
    "queue-recording-followups": {"task": "enrollment.tasks.queue_recording_followups", "schedule": 900.0},
    # Hub managers hear of new requests to join their series by approval, at most once an hour.
    "queue-join-request-notices": {"task": "enrollment.tasks.queue_join_request_notices", "schedule": 3600.0},
    # Attendees are asked to evaluate a session once its attendance is recorded, and reminded once.
    "queue-evaluation-requests": {"task": "evaluation.tasks.queue_evaluation_requests", "schedule": 900.0},
    "queue-evaluation-reminders": {"task": "evaluation.tasks.queue_evaluation_reminders", "schedule": 3600.0},
    # Mailing-list requests never confirmed are deleted after OUTREACH_UNCONFIRMED_DAYS.
    "purge-unconfirmed-subscribers": {"task": "outreach.tasks.purge_unconfirmed_subscribers", "schedule": 3600.0},
    # Accounts whose deletion grace ended, unverified accounts, expired data exports, access log over a year old.
    "purge-personal-data": {"task": "accounts.tasks.purge_personal_data", "schedule": 3600.0},
    # Case bodies and attachments are deleted CASE_RETENTION_DAYS after their session.
    "purge-case-bodies": {"task": "cases.tasks.purge_case_bodies", "schedule": 3600.0},
}
# Outbox delivery (notifications.delivery, .sweeper): when the sweeper steps in, when a claim is dead, retries.
OUTBOX_SWEEP_AFTER_SECONDS = env.int("OUTBOX_SWEEP_AFTER_SECONDS", default=60)
OUTBOX_CLAIM_TIMEOUT_SECONDS = env.int("OUTBOX_CLAIM_TIMEOUT_SECONDS", default=300)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
OUTBOX_RETRY_BACKOFF_SECONDS = env.float("OUTBOX_RETRY_BACKOFF_SECONDS", default=30)
OUTBOX_RETRY_BACKOFF_MAX_SECONDS = env.float("OUTBOX_RETRY_BACKOFF_MAX_SECONDS", default=1800)

# Privacy (accounts/privacy.py): days between "Delete my account" and the deletion (signing in cancels;
# 0 deletes at once), how long a "Download my data" link works, who answers privacy questions.
ACCOUNT_DELETION_GRACE_DAYS = env.int("ACCOUNT_DELETION_GRACE_DAYS", default=14)
DATA_EXPORT_VALID_DAYS = env.int("DATA_EXPORT_VALID_DAYS", default=7)
# Accrediting bodies expect issued documents to stay checkable: a deleted account's certificates stay verifiable
# as "issued to a deleted account", without name or licence number (False deletes them with the account).
CERTIFICATES_KEPT_AFTER_ACCOUNT_DELETION = env.bool("CERTIFICATES_KEPT_AFTER_ACCOUNT_DELETION", default=True)
PRIVACY_OFFICER_NAME = env.str("PRIVACY_OFFICER_NAME", default="")
PRIVACY_OFFICER_EMAIL = env.str("PRIVACY_OFFICER_EMAIL", default=CONTACT_EMAIL)

# Security
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# No script of ours reads either cookie; keeping them from page scripts narrows what an injection could take.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# X-Forwarded-Proto is believed only when the deployment says a proxy in front sets it (and strips a client's own):
# otherwise any client could claim HTTPS. Trusting proxies for addresses (TRUSTED_PROXY_COUNT) implies one.
BEHIND_HTTPS_PROXY = env.bool("BEHIND_HTTPS_PROXY", default=ALLAUTH_TRUSTED_PROXY_COUNT > 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        # Behind HTTPS, a stray http:// resource is fetched over HTTPS rather than mixed in.
        "upgrade-insecure-requests": not DEBUG,
    }
}

PRIVACY_POLICY_VERSION = "2026-11"

# Enrollment keys: wrong guesses allowed per account and per client address before every key is refused
# until the window (seconds, from the first wrong key) ends. Counted in the shared cache.
ENROLLMENT_KEY_FAILURES_PER_USER = env.int("ENROLLMENT_KEY_FAILURES_PER_USER", default=5)
ENROLLMENT_KEY_USER_WINDOW_SECONDS = env.int("ENROLLMENT_KEY_USER_WINDOW_SECONDS", default=15 * 60)
ENROLLMENT_KEY_FAILURES_PER_ADDRESS = env.int("ENROLLMENT_KEY_FAILURES_PER_ADDRESS", default=20)
ENROLLMENT_KEY_ADDRESS_WINDOW_SECONDS = env.int("ENROLLMENT_KEY_ADDRESS_WINDOW_SECONDS", default=60 * 60)

# Invitations a hub may send to people who never asked, per day (counted in the shared cache).
HUB_INVITATIONS_PER_DAY = env.int("HUB_INVITATIONS_PER_DAY", default=200)

# Public forms (partner interest, stay connected): submissions allowed per client address per window.
OUTREACH_SUBMISSIONS_PER_ADDRESS = env.int("OUTREACH_SUBMISSIONS_PER_ADDRESS", default=10)
OUTREACH_ADDRESS_WINDOW_SECONDS = env.int("OUTREACH_ADDRESS_WINDOW_SECONDS", default=60 * 60)
OUTREACH_UNCONFIRMED_DAYS = env.int("OUTREACH_UNCONFIRMED_DAYS", default=30)

# Case presentations: presenters submit this many days before the session; the panel reads approved cases from
# this many days before it; bodies and attachments are purged this many days after it (recommendations stay).
CASE_DEADLINE_DAYS = env.int("CASE_DEADLINE_DAYS", default=3)
CASE_PANEL_VISIBLE_DAYS = env.int("CASE_PANEL_VISIBLE_DAYS", default=7)
CASE_RETENTION_DAYS = env.int("CASE_RETENTION_DAYS", default=90)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every rendering step at INFO; only its warnings (a missing font, a bad image) matter.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

FORM_RENDERER = "core.forms.FormRenderer"
