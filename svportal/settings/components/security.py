"""Security: the secret key, hosts, the reverse proxies trusted to say who the client is,
the Content Security Policy and the sign-in lockout. settings/production.py adds HTTPS,
secure cookies and HSTS."""

import ipaddress
from datetime import timedelta
from http import HTTPStatus

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .environment import env

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- Reverse proxies ------------------------------------------------------------
# DJANGO_TRUSTED_PROXIES: addresses or networks of the reverse proxies in front of the
# portal (e.g. 172.28.0.10 or 10.0.0.0/8), comma-separated; default none. Only requests
# from them may say, in X-Forwarded-For and X-Forwarded-Proto, who the client is and that
# it came over HTTPS; from anyone else those headers are dropped (core/proxies.py). The
# API's throttling, the sign-in lockout and Django's HTTPS checks all use that answer.
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"DJANGO_TRUSTED_PROXIES: {_proxy!r} is not an address or network"
        ) from _error
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Content Security Policy (django-csp) --------------------------------------------
# Scripts and styles only from our own static files, or inline with the page's nonce
# ({{ request.csp_nonce }}): never 'unsafe-inline'. No framing by any site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Sign-in lockout (django-axes) -------------------------------------------------------
# On the portal's sign-in and the admin's: after
# DJANGO_LOGIN_FAILURE_LIMIT failures within DJANGO_LOGIN_COOLOFF_MINUTES, the username is
# refused from every address and the address is refused for every username, answered with
# a 429 page, until the cool-off has passed since the last failure or someone unlocks it
# (manage.py axes_reset_username NAME / axes_reset_ip ADDRESS / axes_reset).
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "svportal.accounts.locked_out"
AXES_HTTP_RESPONSE_CODE = HTTPStatus.TOO_MANY_REQUESTS
AXES_CLIENT_IP_CALLABLE = "core.proxies.client_address"
