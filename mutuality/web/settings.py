"""One settings module, configured from the environment (every variable is in dotenv-sample).

Two ways to run. The demo (MUTUALITY_DEMO=1, which `make run`, the tests and development
set) serves plain http on this machine: a fixed development key, no HTTPS redirect, cookies
without Secure. Everywhere else is production: MUTUALITY_SECRET_KEY and
MUTUALITY_ALLOWED_HOSTS are required, HTTPS is enforced (redirect, HSTS, `__Host-` Secure
cookies), and `manage.py check --deploy --fail-level WARNING` passes (`make check-deploy`).
SQLite (WAL) under var/ by default; DATABASE_URL selects PostgreSQL. docs/security.md,
"Running in production", says more.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.log import DEFAULT_LOGGING

from mutuality.web.environment import (
    ConfigurationError,
    env_bool,
    env_count,
    env_email,
    env_list,
    env_origins,
    env_proxy_count,
    refuse_default_password,
    secret_key,
)
from mutuality.web.static_files import add_policy

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("MUTUALITY_VAR_DIR", BASE_DIR / "var"))
# The SQLite file and collected assets live here; only the service's own user may enter it.
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)

DEMO = env_bool("MUTUALITY_DEMO", False)
DEBUG = env_bool("MUTUALITY_DEBUG", False)
# Public, so only ever used in the demo (environment.secret_key refuses it anywhere else).
_DEV_KEY = "dev-only-not-secret-mutuality-key-0123456789abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = secret_key(demo=DEMO, dev_key=_DEV_KEY)
# Keys used before this one, while it is being rotated: what they signed (sessions, reset
# links) still counts, and the second factors' secrets they sealed still open until
# `manage.py seal_second_factors` seals them again (accounts/secrets_at_rest.py).
SECRET_KEY_FALLBACKS = env_list("MUTUALITY_SECRET_KEY_FALLBACKS", "")
ALLOWED_HOSTS = env_list(
    "MUTUALITY_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEMO else ""
)
if not ALLOWED_HOSTS:
    raise ConfigurationError(
        "MUTUALITY_ALLOWED_HOSTS is not set. Outside the demo (MUTUALITY_DEMO=1) list the "
        "host names Mutuality answers to, separated by commas, e.g. mutuality.example.org"
    )
# Behind a reverse proxy (which must terminate HTTPS and set X-Forwarded-Proto and
# X-Forwarded-For): how many proxies stand in front, so that the client's own address is
# read from X-Forwarded-For (client_ip.py) for sign-in limits and the logs.
TRUSTED_PROXY_COUNT = env_proxy_count("MUTUALITY_TRUSTED_PROXY")
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Origins whose forms may post here when they differ from the Host (a proxy that rewrites it).
CSRF_TRUSTED_ORIGINS = env_origins("MUTUALITY_CSRF_TRUSTED_ORIGINS", demo=DEMO)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "mutuality.web.accounts",
    "mutuality.web.relationships",
    "mutuality.web.audit",
    "mutuality.web.reports",
    "mutuality.web.outbox",
    "mutuality.web.organisation",
    "mutuality.web.api",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "csp",
]

MIDDLEWARE = [
    # First, so that every line logged while a request is answered says whose and from where.
    "mutuality.web.security_log.LogContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise answers static files itself, so the middleware below never sees them: they
    # keep WhiteNoise's long-lived caching, and need no page's policies.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mutuality.web.middleware.NoStoreMiddleware",
    # Above everything that may sign someone out, so that it sees every such answer.
    "mutuality.web.middleware.ClearSiteDataMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Below the policies' middleware, so that its 405 carries their headers too.
    "mutuality.web.middleware.RefuseTraceMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in person's language, else the browser's (ones with a catalogue), else English.
    "mutuality.web.accounts.language.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Signs out a session past its idle or absolute limit (docs/security.md, "Sessions").
    "mutuality.web.accounts.sessions.SessionLimitsMiddleware",
    # Staff without a second factor are sent to set one up before anything else (ADR 0010).
    "mutuality.web.accounts.middleware.SecondFactorRequiredMiddleware",
    # How often one signed-in person may download, upload or send a form (throttle.py). After
    # the two above, so that a request they turn away or sign out is never counted.
    "mutuality.web.throttle.ThrottleMiddleware",
    # Each request made with an API token is audited once answered (ADR 0018).
    "mutuality.web.api.middleware.ApiAuditMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mutuality.web.urls"
WSGI_APPLICATION = "mutuality.web.wsgi.application"

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
                "mutuality.web.accounts.sessions.warning",
            ],
            # `|spoken_date` and `|spoken_time` in every template: dates as people say them;
            # `{% translate %}` and `{% blocktranslate %}` too, without loading i18n in each.
            "builtins": ["mutuality.web.spoken", "django.templatetags.i18n"],
        },
    },
]

# The database, the SMTP server and Redis each take an account of Mutuality's own
# (docs/security.md, "Connections"); outside the demo a well-known default password stops
# the app rather than connecting with it.
if not DEMO:
    for _service in ("DATABASE_URL", "MUTUALITY_EMAIL_URL", "MUTUALITY_REDIS_URL"):
        refuse_default_password(_service)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'mutuality.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, but a database file it creates is readable by its owner alone.
    DATABASES["default"]["ENGINE"] = "mutuality.web.db.sqlite3"
    # WAL lets readers and one writer work at once; a busy timeout waits rather than fails.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 10,
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use an in-memory database (Django's default for SQLite, said outright so that
    # pytest-xdist's workers each get their own rather than a file name made from this path).
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out sign-in before checking it
    # A username, or a verified email address, with the password (django-allauth; ADR 0009).
    "mutuality.web.accounts.backends.SignInBackend",
]
# Brute force and credential stuffing (ASVS v5 6.3.1, v4 2.2.1): after 10 wrong passwords for
# one username from one address, that pair is locked out for 15 minutes. Keying on the pair
# rather than the username alone stops a stranger locking a named person out of their care.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# An email address typed to sign in counts against the account's username (ADR 0009).
AXES_USERNAME_CALLABLE = "mutuality.web.accounts.lockout.username_tried"
# The client's own address, behind a trusted proxy too (MUTUALITY_TRUSTED_PROXY).
AXES_CLIENT_IP_CALLABLE = "mutuality.web.client_ip.client_ip"
# The counts live in the cache every server process shares (CACHES below), not in a table of
# attempts: a wrong password and a wrong second-factor code count alike (ADR 0010).
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "default"
# Accounts on django-allauth (ADR 0009): sign in with a username or an email address; reset a
# forgotten password by email (a link that works once, for an hour); change a password.
# Logins are made by invitation, never by signing up; django-axes alone counts wrong passwords,
# so allauth's own sign-in limits are off (its limits on asking for reset emails stay).
ACCOUNT_ADAPTER = "mutuality.web.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
# Verified addresses (ADR 0009): signing in never waits for one (logins come by invitation),
# but only a verified address signs in or gets a reset link. Changing one's address keeps the
# old one until the new one is confirmed from the link mailed to it.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # mail only addresses that belong to someone
ACCOUNT_SESSION_REMEMBER = False  # the session ends with the browser, as it always has
# allauth's own tracking would write each session's row on every request; ours notes the last
# use at most once a minute (mutuality/web/accounts/sessions.py), so reading stays read-only.
USERSESSIONS_TRACK_ACTIVITY = False
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False  # the sign-in page tells them who they are
ACCOUNT_RATE_LIMITS = {"login": None, "login_failed": None}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Mutuality: "
ACCOUNT_FORMS = {
    "login": "mutuality.web.accounts.forms.SignInForm",
    "reset_password": "mutuality.web.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "mutuality.web.accounts.forms.ResetPasswordKeyForm",
    "change_password": "mutuality.web.accounts.forms.ChangePasswordForm",
    "set_password": "mutuality.web.accounts.forms.SetNewPasswordForm",
    "reauthenticate": "mutuality.web.accounts.forms.ReauthenticatePasswordForm",
}
# Second factors (allauth.mfa; ADR 0010): an authenticator app (TOTP) or a passkey (WebAuthn),
# with recovery codes; a passkey is a second step after the password, never a way to sign in
# without one (MFA_PASSKEY_LOGIN_ENABLED stays off). Every staff role must have one
# (SecondFactorRequiredMiddleware); co-producers are offered one. Wrong codes count towards the
# axes lockout.
MFA_ADAPTER = "mutuality.web.accounts.adapter.SecondFactorAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Mutuality"
# A code is taken only in its own 30-second step, never the one before or after (ASVS v5
# 6.5.5; ADR 0010, notes of 2026-12-05): phones set their clocks from the network.
MFA_TOTP_PERIOD = 30
MFA_TOTP_TOLERANCE = 0
MFA_FORMS = {
    "authenticate": "mutuality.web.accounts.forms.SecondFactorCodeForm",
    "reauthenticate": "mutuality.web.accounts.forms.SecondFactorReauthenticateForm",
    "activate_totp": "mutuality.web.accounts.forms.ActivateTOTPForm",
    "authenticate_webauthn": "mutuality.web.accounts.forms.PasskeySignInForm",
    "reauthenticate_webauthn": "mutuality.web.accounts.forms.PasskeyReauthenticateForm",
    "add_webauthn": "mutuality.web.accounts.forms.AddPasskeyForm",
    "edit_webauthn": "mutuality.web.accounts.forms.RenamePasskeyForm",
}
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")  # never by an emailed code
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for one hour, and once
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "relationships:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # The service's name, its roles, the person's organisation and username (ASVS v5 6.2.11).
    {"NAME": "mutuality.web.accounts.passwords.ContextWordsValidator"},
    # Easy to guess by zxcvbn: common passwords however padded, words, names, keyboard runs,
    # repeats, sequences, dates (ASVS v5 6.2.4, 6.2.12; Django's list has few of 12 or more).
    {"NAME": "mutuality.web.accounts.passwords.GuessableValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# Every string a person reads is marked for translation (docs/architecture.md, "Other
# languages"). Each language is named in its own words, so someone finds theirs whatever
# language the page is in: the names are not themselves translated.
USE_I18N = True
LANGUAGES = [("en-gb", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic also writes a gzip copy of each text file, which WhiteNoise sends to
    # browsers that accept it. Names keep no content hash, so WhiteNoise lets browsers keep a
    # file for a minute and then revalidate it (ETag), and an upgrade shows at once.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Static files get a Content-Security-Policy of their own, the strictest there is
# (mutuality/web/static_files.py): the pages' policy comes from middleware they never reach.
WHITENOISE_ADD_HEADERS_FUNCTION = add_policy
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
# A session ends after 30 minutes unused or 12 hours after signing in (ASVS v5 7.3.1, 7.3.2),
# with a warning a minute before the first; mutuality/web/accounts/sessions.py keeps the times
# in the session. The cookie's own age is only the store's backstop.
SESSION_IDLE_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_WARNING_SECONDS = 60
SESSION_REFRESH_SECONDS = 60  # the activity stamp is written at most once a minute
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Lax, not Strict: a link in an email opens the page behind it signed in, while a form
# posted from another site still arrives without the cookies (ASVS v5 3.3.2); every change
# is a POST that also needs the CSRF token.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: forms carry the token, and htmx takes it from <body>'s
# data-hx-headers (ASVS v5 3.3.4).
CSRF_COOKIE_HTTPONLY = True
# "Saved: <a name>" and the like wait for the next page in the session, on the server, not
# in a cookie of their own: the browser keeps only the session and CSRF cookies, and no
# names or health details (ASVS v5 3.3.1, 3.3.3, 14.3.3; the privacy notice's "Cookies").
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# HTTPS everywhere but the demo, which serves plain http on 127.0.0.1. The `__Host-` prefix
# makes the browser refuse the cookie unless it is Secure, for the whole site and this host
# only (ASVS v5 3.3.1, 3.3.3); HSTS is sent only over HTTPS, so the demo never sends it.
SECURE_SSL_REDIRECT = not DEMO
# Browsers are sent on from http to https; other systems are not. An API request over plain
# http is refused instead (mutuality/web/api/auth.py), so that a client that sent its token in
# the clear finds out at once rather than being quietly redirected (ASVS v5 4.1.2). The API's
# page for people, /api/v1/docs, is redirected like any page.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/(?!docs$)"]
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEMO
SESSION_COOKIE_NAME = "sessionid" if DEMO else "__Host-sessionid"
CSRF_COOKIE_NAME = "csrftoken" if DEMO else "__Host-csrftoken"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp; ASVS v5 3.4.3, 3.4.6): scripts, styles, images and
# everything else only from this site; no inline script or style (not even a style=""
# attribute); a fresh nonce on every response, carried by base.html's <script> tags; no
# plugins, no <base>, no framing by any site, and forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Permissions-Policy (django-permissions-policy): the service needs none of the browser's
# powerful features but passkeys, so each other is off for its pages and anything they embed;
# making and using a passkey (publickey-credentials-create/get) is allowed to this site alone,
# never to a frame from elsewhere (ADR 0010).
_FEATURES_OFF = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "clipboard-read",
    "compute-pressure",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "identity-credentials-get",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "picture-in-picture",
    "screen-wake-lock",
    "serial",
    "storage-access",
    "usb",
    "window-management",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY: dict[str, list[str]] = {feature: [] for feature in _FEATURES_OFF} | {
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload (a promise to browsers' built-in lists, hard to take back) is the choice of
    # whoever runs the domain, not of the app; everything else check --deploy asks for is on.
    "security.W021",
]

# Logs (docs/security.md, "Logs"): one JSON object a line on stderr, for the deployer to
# ship and keep. Errors with their tracebacks, and security events (mutuality.security:
# signing in and out, lockouts, refusals, downloads, uploads, requests past a person's limit,
# publishing, forged hosts, CSRF failures), with ids but never health content.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "mutuality.web.json_logs.JsonFormatter"},
        "django.server": DEFAULT_LOGGING["formatters"]["django.server"],
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json",
        },
        "django.server": DEFAULT_LOGGING["handlers"]["django.server"],
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        # runserver's request lines (the demo's; a production server has its own access log)
        # stay Django's plain ones: they hold query strings, which the JSON lines never do.
        "django.server": DEFAULT_LOGGING["loggers"]["django.server"],
        "mutuality": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        # django-axes' own lines repeat the sign-in events (masking the username typed, which
        # may be a password in the wrong box, by AXES_SENSITIVE_PARAMETERS): keep its errors.
        "axes": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
    },
}

# Email: files under var/mail/ in the demo; otherwise the SMTP server MUTUALITY_EMAIL_URL names
# (smtp://user:password@host:port, or smtps:// for TLS from the start).
if DEMO:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
else:
    _MAIL = env_email("MUTUALITY_EMAIL_URL")  # unset: Django's default, SMTP on localhost:25
    if _MAIL is not None:
        EMAIL_HOST, EMAIL_PORT = _MAIL.host, _MAIL.port
        EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _MAIL.user, _MAIL.password
        EMAIL_USE_TLS, EMAIL_USE_SSL = _MAIL.use_tls, _MAIL.use_ssl
DEFAULT_FROM_EMAIL = os.environ.get("MUTUALITY_EMAIL_FROM", "Mutuality <mutuality@localhost>")

# Background work (Django's Tasks API through the django-tasks backport). MUTUALITY_TASKS picks
# where tasks wait: "database" (the default; `make run` starts its worker, `manage.py
# db_worker`), "rq" (Redis at MUTUALITY_REDIS_URL, for several machines; `manage.py rqworker`),
# or "immediate" (inside the request that enqueues them: the tests and tiny installs).
# Messages go through the outbox (mutuality/web/outbox), which makes either engine safe.
TASK_ENGINES = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASK_ENGINE = os.environ.get("MUTUALITY_TASKS", "database")
if TASK_ENGINE not in TASK_ENGINES:
    raise ConfigurationError(
        f"MUTUALITY_TASKS is {TASK_ENGINE!r}: expected one of {', '.join(TASK_ENGINES)}"
    )
TASKS = {"default": {"BACKEND": TASK_ENGINES[TASK_ENGINE]}}
REDIS_URL = os.environ.get("MUTUALITY_REDIS_URL", "redis://127.0.0.1:6379/0")

# The cache every server process shares (ADR 0010): the sign-in lockout's counts (django-axes),
# second-factor codes already used, allauth's limits on sending email, and each person's counts
# of downloads, uploads and forms sent (MUTUALITY_RATE_LIMITS below). MUTUALITY_CACHE picks
# it: "database" (the default: a table the migrations make) or "redis" (MUTUALITY_REDIS_URL,
# for several machines or a busy service). Never a per-process memory cache, in which each of
# gunicorn's workers would count on its own.
CACHE_ENGINES = {
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "mutuality_cache",
        # Past MAX_ENTRIES the table drops a third of its rows, and Django's default (300)
        # could drop lockout counts on a busy minute. Expired rows go first; every write
        # counts the table, so the ceiling is no higher (a service busier wants Redis).
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
    "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
}
CACHE_ENGINE = os.environ.get("MUTUALITY_CACHE", "database")
if CACHE_ENGINE not in CACHE_ENGINES:
    raise ConfigurationError(
        f"MUTUALITY_CACHE is {CACHE_ENGINE!r}: expected one of {', '.join(CACHE_ENGINES)}"
    )
CACHES = {"default": CACHE_ENGINES[CACHE_ENGINE]}
# How many requests of each kind one signed-in person may make a minute (ASVS v5 2.4.1;
# mutuality/web/throttle.py, docs/security.md "Limits"): generous for someone at a keyboard,
# tight for a script using their session. Signed-out requests and ordinary reads are not
# counted. Counted in the cache above, so every server process shares one count.
MUTUALITY_RATE_LIMITS = {
    "download": env_count("MUTUALITY_RATE_LIMIT_DOWNLOADS", 30),  # PDFs, CSV, JSON, case files
    "upload": env_count("MUTUALITY_RATE_LIMIT_UPLOADS", 30),  # case files uploaded
    "write": env_count("MUTUALITY_RATE_LIMIT_WRITES", 120),  # every other form sent
    "api": env_count("MUTUALITY_RATE_LIMIT_API", 120),  # requests with one API token (ADR 0018)
}
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300}}
if TASK_ENGINE == "rq":
    INSTALLED_APPS.append("django_rq")

# The address people open Mutuality at, for the links in emails (a message is sent by a worker,
# outside any request): MUTUALITY_SITE_URL, else the first allowed host over https, and in the
# demo the address `make run` serves.
_SITE_URLS = env_origins("MUTUALITY_SITE_URL", demo=DEMO)
if len(_SITE_URLS) > 1:
    raise ConfigurationError(
        f"MUTUALITY_SITE_URL must be one address such as https://mutuality.example.org; "
        f"got {len(_SITE_URLS)}"
    )
SITE_URL = next(
    iter(_SITE_URLS), "http://127.0.0.1:8000" if DEMO else f"https://{ALLOWED_HOSTS[0]}"
)

INVITATION_DAYS = 7  # how long a co-producer's invitation link stays valid
