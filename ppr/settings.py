"""PPR Sag settings: everything that differs between machines comes from the environment.

With no configuration at all (``DJANGO_DEBUG=true``, as ``make demo`` sets) the app runs on
SQLite and executes Celery tasks in-process. Without ``DJANGO_DEBUG`` the settings are
production settings and refuse to start when a secret is missing.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def required(name: str) -> str:
    """A production secret: refuse to start without it, naming the variable."""
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"Miljøvariablen {name} mangler. Sæt den, eller kør demoen med DJANGO_DEBUG=true."
        )
    return value


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean strictly: anything but true/false/1/0/yes/no is an error."""
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in {"true", "1", "yes", "on"}:
        return True
    if raw in {"false", "0", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"Miljøvariablen {name} skal være true eller false, ikke {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"Miljøvariablen {name} skal være et heltal.") from exc


DEBUG = env_bool("DJANGO_DEBUG", False)

if DEBUG:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", default="demo-only-insecure-secret-key-change-me-0123456789"
    )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
    # A fixed demo key: the demo's CPR numbers are fictitious.
    FIELD_ENCRYPTION_KEY = env.str(
        "PPR_FIELD_KEY", default="ZGVtby1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI="
    )
else:
    SECRET_KEY = required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = [h.strip() for h in required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "Miljøvariablen DJANGO_ALLOWED_HOSTS indeholder ingen værtsnavne."
        )
    FIELD_ENCRYPTION_KEY = required("PPR_FIELD_KEY")

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])


def site_url(name: str, value: str) -> str:
    """The site's address (scheme and host) without a trailing slash; refuse anything else."""
    parts = urlsplit(value.strip())
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.path.strip("/")
        or parts.query
        or parts.fragment
    ):
        raise ImproperlyConfigured(
            f"Miljøvariablen {name} skal være sidens adresse, fx https://ppr.kommune.example, "
            f"ikke {value!r}."
        )
    return value.strip().rstrip("/")


# Links in e-mails are built on this address (ppr/site.py), never on the request's Host header.
PPR_SITE_URL = site_url(
    "PPR_SITE_URL",
    env.str("PPR_SITE_URL", default="http://127.0.0.1:8000") if DEBUG else required("PPR_SITE_URL"),
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "ppr.organisation",
    "ppr.accounts",
    "ppr.audit",
    "ppr.deadlines",
    "ppr.documents",
    "ppr.drafts",
    "ppr.digitalpost",
    "ppr.esdh",
    "ppr.saml",
    "cases",
    "meetings",
    "indsatser",
    "reports",
    "visitation",
    "parents",
    "messaging",
    "rights",
    "lifecycle",  # retention rules, holds, reviewed deletion (Sletning og opbevaring)
    "archive",
    "demo",  # demo municipality and scale seed (seed_demo, seed_scale); depends on all above
]

MIDDLEWARE = [
    "ppr.audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ppr.middleware.NoStoreForAuthenticatedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ppr.accounts.middleware.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "ppr.accounts.middleware.RequireMfaMiddleware",
    "ppr.accounts.middleware.PortalSeparationMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ppr.urls"
WSGI_APPLICATION = "ppr.wsgi.application"
ASGI_APPLICATION = "ppr.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ppr.context_processors.ppr",
            ],
            "builtins": ["django.templatetags.i18n"],
            "libraries": {"ppr_tables": "ppr.tables"},
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("DJANGO_CONN_MAX_AGE", 60))
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if not IS_POSTGRES:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # QuerySet.iterator() – which renders every model select's <option>s – would otherwise open a
    # server-side cursor: DECLARE, FETCH and CLOSE, three round trips even for six districts
    # (bench/NOTES.md). Also what a transaction-pooling PgBouncer in front of the database needs.
    DATABASES["default"].setdefault("DISABLE_SERVER_SIDE_CURSORS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ---------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "ppr.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Copenhagen"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# PDFs render on their own queue so a burst of prints never delays reminders (worker: -Q celery,pdf).
CELERY_TASK_ROUTES = {
    "ppr.documents.tasks.render_document": {"queue": "pdf"},
    "rights.tasks.build_access_export": {"queue": "pdf"},
    "archive.tasks.build_delivery": {"queue": "pdf"},
}
# One static beat schedule; each app's periodic job is listed here so operators see all of them.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Life cycle: nightly, list what the retention rules make due (lifecycle.services.list_due).
    "lifecycle-list-due": {"task": "lifecycle.tasks.list_due_records", "schedule": 86400.0},
    "audit-retention-purge": {
        "task": "ppr.audit.tasks.purge_expired_audit_events",
        "schedule": 3600.0,
    },
    # Login-attempt logs (django-axes): nightly, by PPR_LOGIN_LOG_RETENTION_DAYS.
    "accounts-login-log-retention-purge": {
        "task": "ppr.accounts.tasks.purge_expired_login_logs",
        "schedule": 86400.0,
    },
    # Deadlines: mark overdue, create and send reminders; re-queue claims of dead workers.
    "deadlines-sweep": {"task": "ppr.deadlines.tasks.sweep", "schedule": 300.0},
    "deadlines-reap-stale-claims": {
        "task": "ppr.deadlines.tasks.reap_stale_claims",
        "schedule": 600.0,
    },
    # Accounts not seen for 90 days (nightly list for the PPR leader and the administrator),
    # and the SAML replay cache's expired assertion ids.
    "accounts-list-dormant": {
        "task": "ppr.accounts.tasks.list_dormant_accounts",
        "schedule": 86400.0,
    },
    "saml-purge-seen-assertions": {
        "task": "ppr.saml.tasks.purge_seen_assertions",
        "schedule": 3600.0,
    },
    # Rights: the PPR leaders' monthly review (daily; one review and deadline per month).
    "accounts-monthly-rights-review": {
        "task": "ppr.accounts.tasks.open_monthly_review",
        "schedule": 86400.0,
    },
    # Referral drafts: warn the author a week before expiry, delete expired drafts; autosaved
    # form drafts (ppr.drafts) are deleted after the same retention.
    "cases-expire-referral-drafts": {
        "task": "cases.tasks.expire_referral_drafts",
        "schedule": 3600.0,
    },
    # Digital Post: messages whose retries ran out (or whose queueing failed) are tried again.
    "digitalpost-resend-unsent": {
        "task": "ppr.digitalpost.tasks.resend_unsent",
        "schedule": 900.0,
    },
    # CPR lookup: nightly, the custody holders of open cases' children are compared with the CPR
    # register and each change is recorded on the case (cases.cpr_refresh; off: does nothing).
    "cases-cpr-custody-refresh": {
        "task": "cases.tasks.refresh_custody_from_cpr",
        "schedule": 86400.0,
    },
    # ESDH and SF1470: filings and index updates whose retries ran out are tried again.
    "esdh-retry-unfinished": {"task": "ppr.esdh.tasks.retry_unfinished", "schedule": 900.0},
    # Archive: nightly, closed cases the archive must keep are delivered (PPR_ARCHIVE_KEEP_CASES).
    "archive-deliver-closed-cases": {
        "task": "archive.tasks.deliver_closed_cases",
        "schedule": 86400.0,
    },
}

# --- Authentication ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "ppr.accounts.backends.AdministratorBackend",
    "ppr.accounts.backends.PasswordBackend",
    "ppr.accounts.backends.AllauthPasswordBackend",
    "ppr.accounts.backends.SsoBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "ppr.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "ppr.accounts.forms.LoginForm"}
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
# Nobody can sign up: an unknown address asking for a password reset gets no e-mail (allauth's
# would invite it to sign up, on a page that only says it cannot).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# mitid_login: parents' MitID logins per IP and per person (parents/services.py).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "mitid_login": "20/m/ip,10/10m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("PPR_MFA_ISSUER", default="PPR Sag")
# PPR staff and leaders must use MFA; the demo relaxes it so visitors can click around.
PPR_MFA_REQUIRED = env_bool("PPR_MFA_REQUIRED", not DEBUG)

# Single sign-on through the municipality's identity provider (OpenID Connect).
PPR_OIDC_SERVER_URL = env.str("PPR_OIDC_SERVER_URL", default="")
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = False
# SSO logs in users the administrator has created, matched by e-mail (the municipality's IdP
# is authoritative for its employees' addresses); nobody else gets in (see the adapter).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {}
if PPR_OIDC_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "kommune",
                "name": env.str("PPR_OIDC_NAME", default="Kommunens login"),
                "client_id": required("PPR_OIDC_CLIENT_ID"),
                "secret": required("PPR_OIDC_CLIENT_SECRET"),
                "settings": {"server_url": PPR_OIDC_SERVER_URL},
            }
        ],
    }

# Staff sign-in through KOMBIT's Fælleskommunal Adgangsstyring (Context Handler 2, OIOSAML 3;
# ppr/saml, docs/saml.md). Off while PPR_SAML_IDP_METADATA (a file or an https URL of the IdP's
# metadata) is empty; on, the SP's key and certificate files are required.
PPR_SAML_IDP_METADATA = env.str("PPR_SAML_IDP_METADATA", default="").strip()
PPR_SAML_SP_ENTITY_ID = env.str("PPR_SAML_SP_ENTITY_ID", default="").strip()
PPR_SAML_SP_KEY_FILE = env.str("PPR_SAML_SP_KEY_FILE", default="").strip()
PPR_SAML_SP_CERT_FILE = env.str("PPR_SAML_SP_CERT_FILE", default="").strip()
# The municipality's CVR number: privilege groups scoped to another CVR are ignored ("" = any).
PPR_SAML_CVR = env.str("PPR_SAML_CVR", default="").strip()
PPR_SAML_NAME = env.str("PPR_SAML_NAME", default="Log ind med kommunens login (KOMBIT)")
if PPR_SAML_IDP_METADATA:
    PPR_SAML_SP_KEY_FILE = PPR_SAML_SP_KEY_FILE or required("PPR_SAML_SP_KEY_FILE")
    PPR_SAML_SP_CERT_FILE = PPR_SAML_SP_CERT_FILE or required("PPR_SAML_SP_CERT_FILE")
if PPR_SAML_CVR and not (PPR_SAML_CVR.isdigit() and len(PPR_SAML_CVR) == 8):
    raise ImproperlyConfigured(
        "Miljøvariablen PPR_SAML_CVR skal være kommunens CVR-nummer (8 cifre)."
    )

# Custody holders sign in with MitID through the municipality's identity broker (OpenID
# Connect; README "MitID for forældre"). The CPR claim's name differs per broker
# (INTEGRATIONS.md §2); the default is Signaturgruppen's / Nets eID Broker's.
PPR_MITID_SERVER_URL = env.str("PPR_MITID_SERVER_URL", default="")
PPR_MITID_PROVIDER_ID = "mitid"
PPR_MITID_CPR_CLAIM = env.str("PPR_MITID_CPR_CLAIM", default="dk.cpr")
PPR_MITID_LOA_CLAIM = env.str("PPR_MITID_LOA_CLAIM", default="loa")
PPR_MITID_MIN_LOA = env.str("PPR_MITID_MIN_LOA", default="substantial").strip().lower()
if PPR_MITID_MIN_LOA not in {"substantial", "high"}:
    raise ImproperlyConfigured(
        "Miljøvariablen PPR_MITID_MIN_LOA skal være substantial eller high (MitID for forældre "
        "kræver mindst sikringsniveau Betydelig)."
    )
PPR_MITID_SCOPE = env.str("PPR_MITID_SCOPE", default="openid mitid ssn").split()
if PPR_MITID_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS.setdefault("openid_connect", {"OAUTH_PKCE_ENABLED": True, "APPS": []})
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(  # type: ignore[attr-defined]  # a list, set just above or with the staff's app
        {
            "provider_id": PPR_MITID_PROVIDER_ID,
            "name": env.str("PPR_MITID_NAME", default="MitID"),
            "client_id": required("PPR_MITID_CLIENT_ID"),
            "secret": required("PPR_MITID_CLIENT_SECRET"),
            "settings": {
                "server_url": PPR_MITID_SERVER_URL,
                "scope": PPR_MITID_SCOPE,
                "oauth_pkce_enabled": True,
            },
        }
    )
# The MitID app's stricter login (parents/oidc.py); the staff's app is unchanged by it.
SOCIALACCOUNT_PROVIDERS.setdefault("openid_connect", {})["provider_class"] = "parents.oidc.Provider"
SOCIALACCOUNT_ADAPTER = "parents.adapters.SocialAccountAdapter"

AXES_FAILURE_LIMIT = env_int("PPR_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("PPR_LOGIN_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "ppr.accounts.lockout.attempted_login"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# axes' own admin deletes rows; ppr/accounts/admin.py registers read-only ones instead.
AXES_ENABLE_ADMIN = False
# Days django-axes' login-attempt logs are kept (as long as the audit log by default); a nightly
# beat job removes older rows, never a lock-out still in force (ppr.accounts.services).
LOGIN_LOG_RETENTION_DAYS = env_int("PPR_LOGIN_LOG_RETENTION_DAYS", 183)
# Trusted reverse proxies in front of the app: the client's IP for axes and the audit log.
PPR_PROXY_COUNT = env_int("PPR_PROXY_COUNT", 0)
if PPR_PROXY_COUNT < 0:
    raise ImproperlyConfigured("Miljøvariablen PPR_PROXY_COUNT kan ikke være negativ.")
AXES_CLIENT_IP_CALLABLE = "ppr.client_ip.client_ip"
# allauth's rate limits (e.g. 30 logins a minute per IP) count by the same client address: behind
# the municipality's proxy, without this every user would share the proxy's address and limit.
ALLAUTH_TRUSTED_PROXY_COUNT = PPR_PROXY_COUNT

PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if env.str("DJANGO_PASSWORD_HASHERS", default="") == "md5"
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sessions ------------------------------------------------------------------------------
# With Redis, sessions are read from it and written through to the database: one query less on
# every request, and nothing is lost when Redis restarts. Ending a user's sessions works through
# the user's ``session_stamp``, read from the database on every request. Without Redis each
# process has its own cache, and a logout in one would not reach the others: database only.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_IDLE_TIMEOUT = env_int("PPR_SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_TIMEOUT = env_int("PPR_SESSION_ABSOLUTE_HOURS", 10) * 3600
SESSION_IDLE_WARNING = 120
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True

# --- Security headers ----------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers and container health checks probe /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    # The login buttons post to allauth, which redirects to the identity provider / broker:
    # browsers apply form-action to that redirect too.
    "form-action": [
        CSP.SELF,
        *(
            f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
            for url in (PPR_OIDC_SERVER_URL, PPR_MITID_SERVER_URL)
            if url
        ),
    ],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# --- Static and media files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.str("PPR_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private"))
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MANIFEST_STRICT = False
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail --------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="PPR Sag <noreply@ppr.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    _email = environ.Env.email_url_config(EMAIL_URL)
    MAILERS = {
        "default": {
            "BACKEND": _email["EMAIL_BACKEND"],
            "OPTIONS": {
                "host": _email.get("EMAIL_HOST", "localhost"),
                "port": _email.get("EMAIL_PORT", 25),
                "username": _email.get("EMAIL_HOST_USER", ""),
                "password": _email.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": _email.get("EMAIL_USE_TLS", False),
                "use_ssl": _email.get("EMAIL_USE_SSL", False),
                "timeout": 20,
            },
        }
    }
elif DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    # Production without EMAIL_URL hands mail to a relay on the host (port 25), the usual
    # set-up behind a municipality's mail gateway; never the console backend.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "localhost", "port": 25, "timeout": 20},
        }
    }

# --- Tables and forms ----------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "includes/table.html"
DJANGO_TABLES2_PAGE_RANGE = 5

# --- Audit ---------------------------------------------------------------------------------
AUDIT_RETENTION_DAYS = env_int("PPR_AUDIT_RETENTION_DAYS", 183)

# --- Life cycle (lifecycle/) ----------------------------------------------------------------
# True: the nightly list of records due for deletion is approved without the PPR leader's review.
RETENTION_AUTO_APPROVE = env_bool("PPR_RETENTION_AUTO_APPROVE", False)
# Records deleted per transaction; a crash loses at most one batch's work, resumed on rerun.
RETENTION_BATCH_SIZE = env_int("PPR_RETENTION_BATCH_SIZE", 200)

# Visitation: an application for special support rests on a final PPV no older than this.
PPR_VISITATION_PPV_MAX_AGE_MONTHS = env_int("PPR_VISITATION_PPV_MAX_AGE_MONTHS", 12)
# Partshøring: the parents' deadline to comment, in Danish working days after it is sent.
PPR_VISITATION_HEARING_WORKING_DAYS = env_int("PPR_VISITATION_HEARING_WORKING_DAYS", 10)
# A placement in a special offer is reassessed at least this often (months).
PPR_VISITATION_REVIEW_MONTHS = env_int("PPR_VISITATION_REVIEW_MONTHS", 12)
#: The model whose rows the log's ``child_id`` names (ppr/ imports no domain app; cf.
#: AUTH_USER_MODEL). The family's export exists only for a child of this model.
AUDIT_CHILD_MODEL = "cases.Child"
#: The model of active restrictions of processing (GDPR art. 18): rows with ``child_id`` and
#: ``lifted_at``; ppr.access leaves those children out of every visible_to (rights/).
PPR_RESTRICTION_MODEL = "rights.Restriction"

# --- Archive delivery (arkiveringsversion, bekendtgørelse nr. 128 af 12. februar 2020) -------
#: The folder the arkiveringsversioner are written to (the archive collects them from there).
PPR_ARCHIVE_DIR = env.str(
    "PPR_ARCHIVE_DIR",
    default=str(
        Path(env.str("PPR_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private"))) / "arkiv"
    ),
)
#: The AV id the archive assigned at the system's notification (anmeldelse), "AVID.KOM.<nr>".
PPR_ARCHIVE_AV_ID = env.str("PPR_ARCHIVE_AV_ID", default="AVID.KOM.1000")
if not re.fullmatch(r"AVID\.[A-ZÆØÅ]{2,4}\.[1-9][0-9]*", PPR_ARCHIVE_AV_ID):
    raise ImproperlyConfigured(
        "Miljøvariablen PPR_ARCHIVE_AV_ID skal have formen AVID.KOM.1234 (uden mediets nummer)."
    )
#: Who receives the deliveries (stadsarkiv or Rigsarkivet), written into archiveIndex.
PPR_ARCHIVE_RECIPIENT = env.str("PPR_ARCHIVE_RECIPIENT", default="Kommunens stadsarkiv")
#: Whether closed cases must be kept (delivered before deletion). The 2018 revision of the
#: municipal bevaring/kassation rules keeps children's cases in full (INTEGRATIONS.md §6);
#: a municipality whose archive decides otherwise turns it off.
PPR_ARCHIVE_KEEP_CASES = env_bool("PPR_ARCHIVE_KEEP_CASES", True)
#: Whether the archive receives CPR numbers in clear (the child's and the guardians'); off,
#: the child's is masked and the guardians' left out.
PPR_ARCHIVE_RECEIVES_CPR = env_bool("PPR_ARCHIVE_RECEIVES_CPR", False)
#: A folder with Rigsarkivet's official index schemas (archiveIndex.xsd, …) to validate
#: against as well as our own; empty: only ours.
PPR_ARCHIVE_OFFICIAL_XSD_DIR = env.str("PPR_ARCHIVE_OFFICIAL_XSD_DIR", default="")

# --- Digital Post (MeMo via SF1601, a pick-up folder, or the demo's local mailbox) ----------
DIGITALPOST_TRANSPORTS = ("off", "local", "folder", "sf1601")
PPR_DIGITALPOST_TRANSPORT = env.str(
    "PPR_DIGITALPOST_TRANSPORT", default="local" if DEBUG else "off"
).strip()
if PPR_DIGITALPOST_TRANSPORT not in DIGITALPOST_TRANSPORTS:
    raise ImproperlyConfigured(
        "Miljøvariablen PPR_DIGITALPOST_TRANSPORT skal være en af "
        f"{', '.join(DIGITALPOST_TRANSPORTS)}, ikke {PPR_DIGITALPOST_TRANSPORT!r}."
    )
# The local mailbox and the integration platform's pick-up folder.
PPR_DIGITALPOST_DIR = env.str(
    "PPR_DIGITALPOST_DIR",
    default=str(
        Path(env.str("PPR_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private"))) / "digitalpost"
    ),
)
# The municipality as sender: its CVR number and the name the citizen sees.
PPR_DIGITALPOST_SENDER_CVR = env.str(
    "PPR_DIGITALPOST_SENDER_CVR",
    default="12345678" if PPR_DIGITALPOST_TRANSPORT in {"off", "local"} else "",
)
PPR_DIGITALPOST_SENDER_LABEL = env.str("PPR_DIGITALPOST_SENDER_LABEL", default="PPR")
# Digitaliseringsstyrelsen's MeMo schema package (MeMo_XSD.zip, unpacked): when set, every
# message is validated against its MeMo_core.xsd as well as against ours (memo.xsd).
PPR_MEMO_XSD_DIR = env.str("PPR_MEMO_XSD_DIR", default="").strip()
if PPR_MEMO_XSD_DIR and not Path(PPR_MEMO_XSD_DIR).is_dir():
    raise ImproperlyConfigured(
        f"Miljøvariablen PPR_MEMO_XSD_DIR peger på {PPR_MEMO_XSD_DIR!r}, som ikke er en mappe "
        "(den udpakkede MeMo_XSD.zip med MeMo_core.xsd)."
    )
PPR_DIGITALPOST_SF1601_STS_URL = env.str(
    "PPR_DIGITALPOST_SF1601_STS_URL",
    default="https://n2adgangsstyring.stoettesystemerne.dk/runtime/api/rest/wstrust/v1/issue",
)
PPR_DIGITALPOST_SF1601_SERVICE_URL = env.str(
    "PPR_DIGITALPOST_SF1601_SERVICE_URL", default="https://prod.serviceplatformen.dk"
)
PPR_DIGITALPOST_SF1601_CERT = env.str("PPR_DIGITALPOST_SF1601_CERT", default="")
PPR_DIGITALPOST_SF1601_KEY = env.str("PPR_DIGITALPOST_SF1601_KEY", default="")
PPR_DIGITALPOST_SF1601_CA = env.str("PPR_DIGITALPOST_SF1601_CA", default="")
if PPR_DIGITALPOST_TRANSPORT != "off" and not PPR_DIGITALPOST_SENDER_CVR.isdigit():
    raise ImproperlyConfigured(
        "Miljøvariablen PPR_DIGITALPOST_SENDER_CVR skal være kommunens CVR-nummer."
    )
if PPR_DIGITALPOST_TRANSPORT == "sf1601" and not (
    PPR_DIGITALPOST_SF1601_CERT and PPR_DIGITALPOST_SF1601_KEY
):
    raise ImproperlyConfigured(
        "Digital Post via SF1601 kræver PPR_DIGITALPOST_SF1601_CERT og PPR_DIGITALPOST_SF1601_KEY "
        "(organisationens certifikat og nøgle i PEM)."
    )

# --- CPR lookup (ppr/cpr): SF1520 PersonBaseDataExtended on Serviceplatformen, off by default.
CPR_LOOKUPS = ("off", "sf1520")
PPR_CPR_LOOKUP = env.str("PPR_CPR_LOOKUP", default="off")
if PPR_CPR_LOOKUP not in CPR_LOOKUPS:
    raise ImproperlyConfigured(
        f"Miljøvariablen PPR_CPR_LOOKUP skal være en af {', '.join(CPR_LOOKUPS)}, "
        f"ikke {PPR_CPR_LOOKUP!r}."
    )
PPR_CPR_URL = env.str(
    "PPR_CPR_URL", default="https://prod.serviceplatformen.dk/service/CPR/PersonBaseDataExtended/4"
)
PPR_CPR_CERT = env.str("PPR_CPR_CERT", default="")
PPR_CPR_KEY = env.str("PPR_CPR_KEY", default="")
PPR_CPR_CA = env.str("PPR_CPR_CA", default="")
PPR_CPR_MUNICIPALITY_CVR = env.str("PPR_CPR_MUNICIPALITY_CVR", default="")
PPR_CPR_SERVICE_AGREEMENT_UUID = env.str("PPR_CPR_SERVICE_AGREEMENT_UUID", default="")
PPR_CPR_USER_SYSTEM_UUID = env.str("PPR_CPR_USER_SYSTEM_UUID", default="")
PPR_CPR_USER_UUID = env.str("PPR_CPR_USER_UUID", default="")
PPR_CPR_SERVICE_UUID = env.str("PPR_CPR_SERVICE_UUID", default="")
PPR_CPR_TIMEOUT = env_int("PPR_CPR_TIMEOUT", 10)
if PPR_CPR_LOOKUP == "sf1520":
    if PPR_CPR_URL.startswith("https:") and not (PPR_CPR_CERT and PPR_CPR_KEY):
        raise ImproperlyConfigured(
            "CPR-opslag via SF1520 kræver PPR_CPR_CERT og PPR_CPR_KEY (kommunens certifikat og "
            "nøgle i PEM)."
        )
    if not all(
        (
            PPR_CPR_SERVICE_AGREEMENT_UUID,
            PPR_CPR_USER_SYSTEM_UUID,
            PPR_CPR_USER_UUID,
            PPR_CPR_SERVICE_UUID,
        )
    ):
        raise ImproperlyConfigured(
            "CPR-opslag via SF1520 kræver PPR_CPR_SERVICE_AGREEMENT_UUID, "
            "PPR_CPR_USER_SYSTEM_UUID, PPR_CPR_USER_UUID og PPR_CPR_SERVICE_UUID "
            "(serviceaftalen på Serviceplatformen)."
        )

# --- ESDH journalisation (SBSYS REST) and the Sags- og Dokumentindeks (SF1470) --------------
ESDH_BACKENDS = ("off", "sbsys")
PPR_ESDH_BACKEND = env.str("PPR_ESDH_BACKEND", default="off").strip()
if PPR_ESDH_BACKEND not in ESDH_BACKENDS:
    raise ImproperlyConfigured(
        f"Miljøvariablen PPR_ESDH_BACKEND skal være en af {', '.join(ESDH_BACKENDS)}, "
        f"ikke {PPR_ESDH_BACKEND!r}."
    )
# SBSYS's REST API (base URL, e.g. https://sbsys.kommune.dk/sbsysapi) and its identity
# provider's token endpoint (OAuth2 password grant: a client and a service user).
PPR_ESDH_URL = env.str("PPR_ESDH_URL", default="").strip()
PPR_ESDH_TOKEN_URL = env.str("PPR_ESDH_TOKEN_URL", default="").strip()
PPR_ESDH_CLIENT_ID = env.str("PPR_ESDH_CLIENT_ID", default="")
PPR_ESDH_CLIENT_SECRET = env.str("PPR_ESDH_CLIENT_SECRET", default="")
PPR_ESDH_USERNAME = env.str("PPR_ESDH_USERNAME", default="")
PPR_ESDH_PASSWORD = env.str("PPR_ESDH_PASSWORD", default="")
# A new case in SBSYS is made from this case template (SagSkabelon) and caseworker (user id).
PPR_ESDH_TEMPLATE_ID = env_int("PPR_ESDH_TEMPLATE_ID", 0)
PPR_ESDH_CASEWORKER_ID = env_int("PPR_ESDH_CASEWORKER_ID", 0)
# Journal entries are filed too (as journal notes), not only the final documents.
PPR_ESDH_JOURNAL_ENTRIES = env_bool("PPR_ESDH_JOURNAL_ENTRIES", False)
# A new case's KLE classification until staff change it on the case (README, "ESDH").
PPR_ESDH_DEFAULT_KLE = env.str("PPR_ESDH_DEFAULT_KLE", default="17.13.00").strip()
PPR_ESDH_DEFAULT_FACET = env.str("PPR_ESDH_DEFAULT_FACET", default="G01").strip()
if PPR_ESDH_BACKEND == "sbsys" and not (
    PPR_ESDH_URL and PPR_ESDH_TOKEN_URL and PPR_ESDH_TEMPLATE_ID and PPR_ESDH_CASEWORKER_ID
):
    raise ImproperlyConfigured(
        "Journalisering i SBSYS kræver PPR_ESDH_URL, PPR_ESDH_TOKEN_URL, PPR_ESDH_TEMPLATE_ID "
        "og PPR_ESDH_CASEWORKER_ID."
    )
# SF1470's index (the municipality's endpoint or the local stand-in); empty: not fed.
PPR_SF1470_URL = env.str("PPR_SF1470_URL", default="").strip()
# The municipality's CVR number as the index's data owner.
PPR_SF1470_CVR = env.str("PPR_SF1470_CVR", default="12345678").strip()

# --- Logging: no personal data in logs; the request id ties a line to the audit log. --------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ppr.audit.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint's progress and fontTools' font subsetting log several lines per page at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Lock-out is per account (axes); per-IP throttling is allauth's "10/m/ip" limit, so a
# municipality behind one NAT address is not locked out as a whole.
SILENCED_SYSTEM_CHECKS: list[str] = ["axes.W006"]
