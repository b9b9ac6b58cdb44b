"""Django settings for cpps.

Every deployment knob is an environment variable, so the same code runs the embedded
SQLite demo and a PostgreSQL production without editing files.
"""

import os
from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Every runtime file (database, analytical store, uploads, reports, caches) lives here.
CPPS_VAR_DIR = Path(os.environ.get("CPPS_VAR_DIR", BASE_DIR / "var")).resolve()
CPPS_VAR_DIR.mkdir(parents=True, exist_ok=True)

# Official boundary files; when unset, `cpps territory load` downloads them into the var dir.
CPPS_GEO_DIR = os.environ.get("CPPS_GEO_DIR") or None
CPPS_GEO_SOURCES = {
    "arrondissements.geojson": os.environ.get(
        "CPPS_GEO_URL_ARRONDISSEMENTS",
        "https://opendata.paris.fr/api/explore/v2.1/catalog/datasets/arrondissements/exports/geojson",
    ),
    "quartier_paris.geojson": os.environ.get(
        "CPPS_GEO_URL_QUARTIERS",
        "https://opendata.paris.fr/api/explore/v2.1/catalog/datasets/quartier_paris/exports/geojson",
    ),
}
# Shared open data (DansMaRue taxonomy, populations...) for imports and the demo.
CPPS_DATA_DIR = os.environ.get("CPPS_DATA_DIR") or str(BASE_DIR.parent / "shared" / "data")

# Safe by default: debug is off unless asked for (`make run` asks, for the demo), and with
# debug off the `cpps.E001` system check refuses to start on this public placeholder key.
INSECURE_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("CPPS_SECRET_KEY") or INSECURE_SECRET_KEY
DEBUG = _env_bool("CPPS_DEBUG", False)
ALLOWED_HOSTS = [
    h for h in os.environ.get("CPPS_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CPPS_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "cpps",
    "territory",
    "accounts",
    "doleances",
    "traitement",
    "guichet",
    "open311",
    "prevention",
    "victimes",
    "observatoire",
    "contrat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cpps.middleware.ClientAddressFromProxy",
    "cpps.middleware.RejectNulCharacters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it answers a locked-out login before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cpps.urls"
WSGI_APPLICATION = "cpps.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cpps" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cpps.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{CPPS_VAR_DIR / 'cpps.sqlite3'}",
        conn_max_age=int(os.environ.get("CPPS_DB_CONN_MAX_AGE", "60")),
        # A kept connection is checked before reuse: after a database restart the first
        # request of each worker reconnects instead of failing.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE transactions take the write
    # lock up front so concurrent intake waits (busy_timeout) instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Connections are kept between requests here too (CPPS_DB_CONN_MAX_AGE): opening one per
    # request (its PRAGMAs, and at close the write-ahead log's checkpoint when it was the last
    # one) cost 2 to 5 ms of CPU per request, more than the intake itself (docs/load-testing.md).
    DATABASES["default"]["TEST"] = {"NAME": str(CPPS_VAR_DIR / "test-cpps.sqlite3")}
elif os.environ.get("CPPS_TEST_DB_NAME"):
    # Lets concurrent test runs on one PostgreSQL server each use their own database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["CPPS_TEST_DB_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = CPPS_VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Leaflet is served from its pip package (xstatic-leaflet), never from a CDN or a copy.
STATICFILES_DIRS = [("leaflet", xstatic.pkg.leaflet.BASE_DIR)]
MEDIA_URL = "media/"
MEDIA_ROOT = CPPS_VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Outside services, each behind one interface with a console/null backend
# (e-mail: Django backends; geocoder: territory/geocoding.py).
EMAIL_BACKEND = os.environ.get(
    "CPPS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("CPPS_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("CPPS_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("CPPS_FROM_EMAIL", "doleances@cpps.paris.invalid")
CPPS_GEOCODER = os.environ.get("CPPS_GEOCODER", "territory.geocoding.PostalCodeGeocoder")

# Public address of the site, for links in e-mails (tracking pages).
CPPS_PUBLIC_URL = os.environ.get("CPPS_PUBLIC_URL", "http://127.0.0.1:8000")
# Desk that receives complaints no routing rule matches.
CPPS_ROUTING_FALLBACK_DESK = os.environ.get("CPPS_ROUTING_FALLBACK_DESK", "ville-doleances")

# Map: the IGN Géoplateforme plan tiles (French state service, no key) under our quartier
# outlines; the outlines alone when the tiles fail (offline) or when the URL is set empty.
CPPS_MAP_TILE_URL = os.environ.get(
    "CPPS_MAP_TILE_URL",
    "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM&FORMAT=image/png"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
)
CPPS_MAP_TILE_ATTRIBUTION = os.environ.get(
    "CPPS_MAP_TILE_ATTRIBUTION", "Plan IGN © IGN – Géoplateforme" if CPPS_MAP_TILE_URL else ""
)

# The home page lists the demo accounts (demo instances only).
CPPS_SHOW_DEMO_ACCOUNTS = _env_bool("CPPS_SHOW_DEMO_ACCOUNTS", DEBUG)

# Personal data of complainants is erased this many months after a case is closed.
CPPS_RETENTION_MONTHS = int(os.environ.get("CPPS_RETENTION_MONTHS", "12"))

# Observatory: the worker refreshes the analytical store from the case database on its
# schedule, re-reading OVERLAP seconds before its watermark (late commits); the refresh
# waits LOCK_TIMEOUT seconds for a reader still on the file it writes; readers keep it open
# LINGER seconds; the open-data files are rebuilt when older than OPENDATA_MAX_AGE seconds.
CPPS_OBSERVATOIRE_OVERLAP_SECONDS = float(
    os.environ.get("CPPS_OBSERVATOIRE_OVERLAP_SECONDS", "300")
)
CPPS_OBSERVATOIRE_LOCK_TIMEOUT = float(os.environ.get("CPPS_OBSERVATOIRE_LOCK_TIMEOUT", "30"))
CPPS_OBSERVATOIRE_LINGER_SECONDS = float(os.environ.get("CPPS_OBSERVATOIRE_LINGER_SECONDS", "2"))
CPPS_OBSERVATOIRE_OPENDATA_MAX_AGE = float(
    os.environ.get("CPPS_OBSERVATOIRE_OPENDATA_MAX_AGE", "3600")
)

# Intake limits.
CPPS_DESCRIPTION_MAX_LENGTH = 4000
CPPS_PHOTO_MAX_BYTES = int(os.environ.get("CPPS_PHOTO_MAX_BYTES", str(8 * 1024 * 1024)))
CPPS_H3_RESOLUTIONS = (8, 9, 10, 11)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ProfileTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API cpps",
    "DESCRIPTION": "API des doléances du Contrat parisien de prévention et de sécurité.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema component per choice set, whatever the field is called.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.document_bad_requests",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ChannelEnum": "doleances.choices.Channel",
        "PrecisionEnum": "doleances.choices.Precision",
        "PriorityEnum": "doleances.choices.Priority",
        "StatusEnum": "doleances.choices.Status",
    },
}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Code organisation (issue 13): every CPPS_* setting declared here, once, with its default.
# Observatory hot spots: the H3 resolution of the Gi* cells (10: about 15,000 m² a cell).
CPPS_HOTSPOT_RESOLUTION = int(os.environ.get("CPPS_HOTSPOT_RESOLUTION", "10"))

# --- Prévention (axe 1 : rixes, alertes, continuum) --------------------------------------------
# Months after which register events are reduced to monthly counts per territory and deleted.
CPPS_PREVENTION_RETENTION_MOIS = int(os.environ.get("CPPS_PREVENTION_RETENTION_MOIS", "24"))


# --- Safe by default: transport, content policy, login throttling, public rate limits ------
# Cookies travel over HTTPS only unless debugging; HSTS and the HTTPS redirect are the
# deployment's choice (README: production environment), off by default so that a plain-HTTP
# demo keeps working.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_SSL_REDIRECT = _env_bool("CPPS_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("CPPS_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("CPPS_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _env_bool("CPPS_HSTS_PRELOAD", False)
if _env_bool("CPPS_BEHIND_TLS_PROXY", False):
    # The reverse proxy terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): our own origin only; map images may also come from
# the configured tile server. No inline script or style anywhere (tests/test_security_csp.py).
CSP_TILE_ORIGIN = "/".join(CPPS_MAP_TILE_URL.split("/")[:3]) if "://" in CPPS_MAP_TILE_URL else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([CSP_TILE_ORIGIN] if CSP_TILE_ORIGIN else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): after CPPS_LOGIN_FAILURE_LIMIT failures an account, and
# separately a client address, is locked out for CPPS_LOGIN_COOLOFF_MINUTES; each lock-out
# is written to the audit log (accounts.receivers).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("CPPS_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("CPPS_LOGIN_COOLOFF_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# The public "already reported nearby" list: at most this many queries per client per
# minute (counted in the database, across every web process: operations.ratelimit).
CPPS_NEARBY_RATE_LIMIT = int(os.environ.get("CPPS_NEARBY_RATE_LIMIT", "30"))

# Intake under faults: a request the client has given up on is never committed. Past this
# many seconds (below the usual 30 s client timeout) the intake transaction is rolled back and
# answered 503; on PostgreSQL its statements and lock waits are bounded by the same budget.
CPPS_INTAKE_DEADLINE_SECONDS = float(os.environ.get("CPPS_INTAKE_DEADLINE_SECONDS", "20"))
# Open311 clients that send no Idempotency-Key: the same request from the same key within
# this many seconds is a retry and answers the first complaint.
CPPS_OPEN311_RETRY_WINDOW_SECONDS = int(os.environ.get("CPPS_OPEN311_RETRY_WINDOW_SECONDS", "600"))

# --- Operation (issue 12): background tasks, schedules, e-mail queue, health, metrics, logs ---
# Tasks run on django-tasks: the database backend is the embedded default (SQLite or
# PostgreSQL, no other server); "rq" puts them on Redis for larger deployments; "immediate"
# runs them in place (tests). `cpps worker` runs them, its scheduler enqueues the periodic
# ones (`operations.ScheduledTask`, in the admin).
CPPS_TASKS_BACKEND = os.environ.get("CPPS_TASKS_BACKEND", "database")
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "operations"]
if CPPS_TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")  # its queue dashboard in the admin
CPPS_REDIS_URL = os.environ.get("CPPS_REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": CPPS_REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
# Django's cache, shared by every web process of every host (issue 12: no state in a web
# process): a table of the case database by default (created by `cpps setup`), Redis for
# larger deployments. cpps keeps nothing in it that must survive (sessions, login lock-outs
# and rate limits are tables of the case database), so a cache emptied or lost is harmless.
CPPS_CACHE_BACKEND = os.environ.get("CPPS_CACHE_BACKEND", "database")
CPPS_CACHE_URL = os.environ.get("CPPS_CACHE_URL", CPPS_REDIS_URL)
CPPS_CACHE_BACKENDS = {
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cpps_cache",
    },
    "redis": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CPPS_CACHE_URL,
        "KEY_PREFIX": "cpps",
    },
}
CACHES = {"default": CPPS_CACHE_BACKENDS[CPPS_CACHE_BACKEND]}
CPPS_TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend"},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
TASKS = {"default": CPPS_TASK_BACKENDS[CPPS_TASKS_BACKEND]}
CPPS_SCHEDULER_TICK_SECONDS = float(os.environ.get("CPPS_SCHEDULER_TICK_SECONDS", "5"))
# Every e-mail goes through the queue (operations.mail); CPPS_EMAIL_BACKEND is the transport
# the worker hands it to, retried after CPPS_EMAIL_RETRY_SECONDS, doubling up to an hour.
CPPS_EMAIL_TRANSPORT = EMAIL_BACKEND
EMAIL_BACKEND = "operations.mail.QueuedEmailBackend"
CPPS_EMAIL_RETRY_SECONDS = float(os.environ.get("CPPS_EMAIL_RETRY_SECONDS", "60"))
# Health (/sante/: 503 when the worker was not seen for WORKER_MAX_AGE s or the store is older
# than STORE_MAX_AGE s), Prometheus metrics (/metrics, for these networks or this bearer token),
# request ids and JSON-lines logs without personal data (cpps.operation).
CPPS_HEALTH_WORKER_MAX_AGE = float(os.environ.get("CPPS_HEALTH_WORKER_MAX_AGE", "60"))
CPPS_HEALTH_STORE_MAX_AGE = float(os.environ.get("CPPS_HEALTH_STORE_MAX_AGE", "300"))
CPPS_METRICS_ALLOWED_IPS = [
    n for n in os.environ.get("CPPS_METRICS_ALLOWED_IPS", "127.0.0.1/32,::1/128").split(",") if n
]
CPPS_METRICS_TOKEN = os.environ.get("CPPS_METRICS_TOKEN", "")
# The reverse proxies (addresses, networks, or *) whose X-Forwarded-For and X-Forwarded-Proto
# are believed: by gunicorn (`cpps serve`) and by cpps.middleware.ClientAddressFromProxy.
CPPS_FORWARDED_ALLOW_IPS = [
    n for n in os.environ.get("CPPS_FORWARDED_ALLOW_IPS", "127.0.0.1").split(",") if n
]
MIDDLEWARE = ["cpps.operation.RequestMiddleware", *MIDDLEWARE]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cpps.operation.RequestIdFilter"}},
    "formatters": {"json": {"()": "cpps.operation.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CPPS_LOG_LEVEL", "WARNING")},
    "loggers": {
        "cpps.request": {"level": os.environ.get("CPPS_REQUEST_LOG_LEVEL", "INFO")},
        # Django's own request warnings quote the path (tracking tokens): errors only.
        "django.request": {"level": "ERROR"},
    },
}


# --- Issue 11 (agents' screens, exports, API documentation) -----------------------------------
# Redoc in French where it can be, with system fonts (its default theme asks Google Fonts).
SYSTEM_FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
SPECTACULAR_SETTINGS["REDOC_UI_SETTINGS"] = {
    "theme": {
        "typography": {"fontFamily": SYSTEM_FONTS, "headings": {"fontFamily": SYSTEM_FONTS}},
    },
    "hideDownloadButton": False,
    "expandResponses": "200,201",
}
# No validator badge: Swagger UI would send the schema to validator.swagger.io.
SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"] = {"deepLinking": True, "validatorUrl": None}

# Victims (axe 2): a directory service not checked for this many months is « à vérifier » for
# administrators and no longer shown to the public.
CPPS_RESSOURCES_VALIDITE_MOIS = int(os.environ.get("CPPS_RESSOURCES_VALIDITE_MOIS", "12"))
# The finder's « Quitter ce site » button replaces the page by this neutral site.
CPPS_VICTIMES_SORTIE_URL = os.environ.get("CPPS_VICTIMES_SORTIE_URL", "https://meteofrance.com/")
