"""Settings for the Hangzhou campaign CMS, driven by environment variables.

Every value an operator may need to change comes from the environment (see
README.md, "Configuration"). Development defaults only apply when DEBUG is on;
production fails closed.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    normalized = value.strip().lower()
    if normalized in {"1", "true", "yes", "on"}:
        return True
    if normalized in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_list(name, default=()):
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or list(default)


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment "
            "(or set DEBUG=1 for local development only)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Ahead of django.contrib.staticfiles so runserver serves like production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "django_prose_editor",
    "reversion",
    "axes",
    "django_otp",
    "accounts.apps.TOTPDevicesConfig",
    "csp",
    # Only for its Swagger UI files (static/ninja/), so /api/v1/docs/ loads nothing from a CDN.
    "ninja",
    # First-party apps, lowest layer first; each imports only from those above
    # it in this list (README "How the code is laid out"; checked in CI).
    "audit",
    "accounts",
    "core",
    "districts",
    "editorial",
    "proofreading",
    "images",
    "documents",
    "articles",
    "search",
    "importing",
    "website",
]

MIDDLEWARE = [
    # Outside the page cache, so cached API answers are rate-limited and get CORS too.
    "api.middleware.ApiMiddleware",
    # First, so a cached page is answered before any other middleware runs.
    "core.pagecache.middleware.PageCacheMiddleware",
    # Next, so the visit beacon each article view sends costs about what a cached page does.
    "articles.middleware.VisitBeaconMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Ahead of anything that may answer early, so every response has the policy.
    "core.middleware.SiteCSPMiddleware",
    "core.middleware.RejectNullCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Inside the page cache (pages are stored typeset) and Common/ConditionalGet (their
    # Content-Length and ETag describe the typeset bytes).
    "core.typesetting.TypesettingMiddleware",
    "core.middleware.FontSizeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username or address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"

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
                "core.context_processors.site",
            ],
            "builtins": ["core.templatetags.zh_typography"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Shared by every app server, so invalidation reaches all of them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "hzcms"),
            # A slow or dead Redis must cost a reader milliseconds, not seconds:
            # the page cache then builds pages without it (core.pagecache.store).
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole public pages for anonymous readers, shared by every app server through
# CACHES["default"] and invalidated by every content write (core.pagecache).
# PAGE_CACHE_SECONDS is the longest an entry lives; 0 turns the cache off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# Cache-Control max-age for a proxy or CDN in front, and how long it may serve
# a page stale while it revalidates; both end at the next scheduled change.
PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", "60"))
PAGE_CACHE_STALE_SECONDS = int(os.environ.get("PAGE_CACHE_STALE_SECONDS", "30"))
# Each process keeps copies of recently served entries, up to this size.
PAGE_CACHE_LOCAL_MB = int(os.environ.get("PAGE_CACHE_LOCAL_MB", "32"))
PAGE_CACHE_ALIAS = "default"
# Expensive parts of pages ({% cachedfragment %}), under the same invalidation,
# for requests the whole-page cache does not answer; 0 turns them off.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "600"))
# A write to any table of these apps invalidates every cached page.
PAGE_CACHE_CONTENT_APPS = ["core", "districts", "images", "documents", "articles", "search"]
# Tables of those apps whose writes change no page: an editor's autosave every
# 30 s, a rendition made the first time a page asks for it, and visit counts
# (a page's script fills in the count; a flush must not empty the cache).
PAGE_CACHE_IGNORED_MODELS = ["core.AutosavedForm", "images.Rendition", "articles.ArticleVisitDay"]
PAGE_CACHE_EXCLUDED_PATHS = ["/admin/", "/preview/"]

# The JSON API (api/, README "API"): requests per minute per client address,
# counted in CACHES["default"]; 0 turns the limit off.
API_PATH_PREFIX = "/api/"
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "120"))

# Visit counts (articles.visits): one count per reader per article in this
# many seconds; the buffer in Redis is written to the database once it holds
# VISIT_FLUSH_THRESHOLD counts or is VISIT_FLUSH_SECONDS old.
VISIT_DEDUP_SECONDS = int(os.environ.get("VISIT_DEDUP_SECONDS", "1800"))
VISIT_FLUSH_THRESHOLD = int(os.environ.get("VISIT_FLUSH_THRESHOLD", "200"))
VISIT_FLUSH_SECONDS = int(os.environ.get("VISIT_FLUSH_SECONDS", "60"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Chinese for admin texts that Django and the third-party apps ship untranslated
# or do not mark for translation (locale/zh_Hans/LC_MESSAGES/*.po says which).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True


# The article body editor's picture button (a library image as a figure; its
# sanitizer share lives beside the body's allow-list in core.richtext).
def _library_image_allowlist(config, shared_config):
    # A callable, not a dotted path: django-prose-editor 0.28 imports the
    # extension's name instead of the path it is given.
    from core.richtext import process_library_image

    process_library_image(config, shared_config)


DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("admin-extra/library-image.js")],
        "extensions": {"LibraryImage": _library_image_allowlist},
    }
]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Media: uploaded images and documents (README "Media files") --------------

# One app server: files on its disk under MEDIA_ROOT, which nginx serves
# (deploy/nginx.conf; Django itself only under DEBUG, config/urls.py). Several
# app servers: setting MEDIA_S3_BUCKET puts them in one S3-compatible bucket instead.
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
if MEDIA_URL.startswith("/"):
    # Files have their own long cache headers; the page cache would only copy them.
    PAGE_CACHE_EXCLUDED_PATHS = [*PAGE_CACHE_EXCLUDED_PATHS, MEDIA_URL]
# Where media links point when that is not the site itself (S3 below): the
# Content-Security-Policy has to allow images from there.
MEDIA_ORIGIN = ""
if MEDIA_S3_BUCKET := os.environ.get("MEDIA_S3_BUCKET", ""):
    # Empty for AWS itself; SeaweedFS, MinIO, OSS, COS... need theirs.
    _endpoint = os.environ.get("MEDIA_S3_ENDPOINT_URL", "").rstrip("/")
    # Path style (endpoint/bucket/key) needs no wildcard DNS per bucket, which
    # self-hosted stores rarely have.
    _addressing = os.environ.get("MEDIA_S3_ADDRESSING_STYLE") or "path"
    # "https://media.example.cn/prefix" or "media.example.cn/prefix": a CDN or
    # the bucket's public address, for page links instead of the endpoint.
    _public = os.environ.get("MEDIA_S3_CUSTOM_DOMAIN", "").strip("/")
    _scheme, _, _media_domain = _public.rpartition("//")
    _scheme = _scheme or "https:"
    if _media_domain:
        MEDIA_ORIGIN = f"{_scheme}//{_media_domain.split('/')[0]}"
    elif _endpoint:
        _endpoint_scheme, _, _endpoint_host = _endpoint.split("/")[:3]
        if _addressing == "virtual":
            _endpoint_host = f"{MEDIA_S3_BUCKET}.{_endpoint_host}"
        MEDIA_ORIGIN = f"{_endpoint_scheme}//{_endpoint_host}"
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": _endpoint or None,
            "access_key": os.environ.get("MEDIA_S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("MEDIA_S3_SECRET_ACCESS_KEY", ""),
            "region_name": os.environ.get("MEDIA_S3_REGION") or "us-east-1",
            "signature_version": "s3v4",
            "addressing_style": _addressing,
            "custom_domain": _media_domain or None,
            "url_protocol": _scheme,
            # Media on public pages must be readable by anyone (the bucket's
            # policy allows anonymous reads). Signed links would expire inside
            # pages the page cache and CDNs keep, differ at every render, and
            # carry the access key id into public HTML.
            "querystring_auth": False,
            # With year-long immutable caching, rewriting a name in place would
            # leave the old bytes in browsers and CDNs: a clash gets a new name.
            "file_overwrite": False,
            # No per-object ACL: many stores (and AWS buckets that enforce
            # object ownership) refuse them; the bucket policy decides.
            "default_acl": None,
            # The media apps never rewrite a stored name (names carry a content
            # hash or a random part; a replaced file gets a new one), so the
            # bytes behind a name never change.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
# A request whose form fields (files aside) pass the first size is refused; it
# is far above any article's text. An uploaded file above the second is spooled
# to a temporary file, so a sync worker never holds a large one in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Tag slugs are ASCII (pinyin) so `<slug:>` URLs work; see core.models.Tag.
TAGGIT_CASE_INSENSITIVE = True
TAGGIT_TAGS_FROM_STRING = "core.tagging.parse_tags"
TAGGIT_STRING_FROM_TAGS = "core.tagging.edit_string_for_tags"

# Shipped 2021 content loaded by `manage.py load_content`.
CONTENT_DIR = BASE_DIR / "content"

# Uploads: the image library refuses pictures over these sizes (decompression
# bombs included); the attachment library, files over DOCUMENT_MAX_BYTES.
IMAGE_MAX_BYTES = int(os.environ.get("IMAGE_MAX_BYTES", str(20 * 1024 * 1024)))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", str(40_000_000)))
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(50 * 1024 * 1024)))
# clamd's unix socket (Debian's clamav-daemon: /var/run/clamav/clamd.ctl): when
# set, every attachment is scanned, and refused while the scanner is down.
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")

# Imported article files larger than this are refused.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
# Word files (.docx) carry their photos, so their limit is larger.
IMPORT_MAX_WORD_BYTES = int(os.environ.get("IMPORT_MAX_WORD_BYTES", str(50 * 1024 * 1024)))
# The admin's 导入稿件 page keeps uploads here between the preview and the
# import; with several app servers it must be a folder they share. Empty: a
# folder in the system's temporary directory.
IMPORT_UPLOAD_DIR = os.environ.get("IMPORT_UPLOAD_DIR", "")

SITE_NAME = os.environ.get("SITE_NAME", "杭州党史学习教育专题")
# The public address, for canonical URLs, feeds and the sitemap when pages are
# served behind a proxy; empty means "the host the request came to".
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# Identifiers Chinese government sites show in the footer and in meta tags.
SITE_ORGANIZER = os.environ.get("SITE_ORGANIZER", "")  # 主办单位
SITE_ID_CODE = os.environ.get("SITE_ID_CODE", "")  # 网站标识码
SITE_ICP_NUMBER = os.environ.get("SITE_ICP_NUMBER", "")  # ICP备案号
SITE_PSB_NUMBER = os.environ.get("SITE_PSB_NUMBER", "")  # 公安机关备案号
SITE_UNDERTAKER = os.environ.get("SITE_UNDERTAKER", "")  # 承办单位
# 联系方式: any of the three; the footer shows those given.
SITE_CONTACT_ADDRESS = os.environ.get("SITE_CONTACT_ADDRESS", "")
SITE_CONTACT_PHONE = os.environ.get("SITE_CONTACT_PHONE", "")
SITE_CONTACT_EMAIL = os.environ.get("SITE_CONTACT_EMAIL", "")
# The id of the site's 党政机关网站 record (开办网站标识) at the registry of
# party and government websites; the footer's badge links to that record.
SITE_CONAC_ID = os.environ.get("SITE_CONAC_ID", "")

# --- Email (review notices) ---------------------------------------------------

# Submissions, approvals and send-backs are mailed to the people concerned; in
# development the mails are printed on the console instead of sent.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")

# Pages render ASCII , ; : ! ? ( ) between Chinese text as full-width forms;
# stored text keeps the source's punctuation either way.
ZH_FULLWIDTH_PUNCTUATION = env_bool("ZH_FULLWIDTH_PUNCTUATION", True)

# --- Sign-in -----------------------------------------------------------------

# Staff sessions end after this many seconds (8 hours: one working day).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: 5 failed sign-ins for one username, or from one address, lock
# that username or address for 15 minutes. Counters live in the database, so
# every app server sees the same ones.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "audit.client_ip.client_ip"
AXES_VERBOSE = False
# Sign-ins are in our own audit log; the lock list is shown by accounts.admin.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False

# Behind nginx or a load balancer the client address and the scheme come from
# the proxy's headers; trusting them without a proxy would let anyone forge them.
TRUST_PROXY_HEADERS = env_bool("TRUST_PROXY_HEADERS", False)
if TRUST_PROXY_HEADERS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Two-factor sign-in (TOTP). Required of superusers and publishers when on;
# off by default under DEBUG so a newcomer's first `make run` is not blocked.
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", SITE_NAME)

# The admin's change forms autosave unsaved typing this often (seconds; 0: off).
ADMIN_AUTOSAVE_SECONDS = int(os.environ.get("ADMIN_AUTOSAVE_SECONDS", "30"))

# Audit log entries older than this many days are removed by `prune_audit_log`.
AUDIT_LOG_RETENTION_DAYS = int(os.environ.get("AUDIT_LOG_RETENTION_DAYS", "180"))

# --- HTTPS and headers --------------------------------------------------------

SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The site uses none of these browser features; say so, so no embedded content can.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
SILENCED_SYSTEM_CHECKS = [
    # security.W021: HSTS preload is a submission to browser vendors that is hard
    # to undo; it stays an operator's explicit choice (SECURE_HSTS_PRELOAD=1).
    "security.W021",
]

# Content-Security-Policy (django-csp). Every asset is our own: scripts and
# styles from 'self' only, no inline code. In the admin,
# config.middleware.SiteCSPMiddleware also allows, by their hashes, the two
# inline blocks the rich-text editor needs. CSP_REPORT_ONLY=1 reports instead of blocks.
_csp_policy = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Media on object storage come from its own origin (MEDIA_ORIGIN).
        "img-src": ["'self'", "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if report_uri := os.environ.get("CSP_REPORT_URI", ""):
    _csp_policy["DIRECTIVES"]["report-uri"] = [report_uri]
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp_policy
else:
    CONTENT_SECURITY_POLICY = _csp_policy

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
