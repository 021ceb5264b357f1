"""Who is asking: the client's address, believing forwarded headers only from our own proxies.

``settings.TRUSTED_PROXIES`` names the reverse proxies in front of the portal (addresses or
networks). A request straight from anyone else has its ``X-Forwarded-*`` headers dropped,
so a client can neither pick the address it is throttled and locked out by nor claim HTTPS.
Behind trusted proxies, the client is the right-most ``X-Forwarded-For`` address that is not
one of them: each proxy appends the address it was reached from, and everything to the left
of that came from the client, who may have made it up.
"""

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
)


@lru_cache(maxsize=8)
def _networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def is_trusted_proxy(address: str) -> bool:
    proxies = tuple(settings.TRUSTED_PROXIES)
    # Asked on every request: none to trust is known without reading the address.
    return bool(proxies) and _is_one_of(address, proxies)


@lru_cache(maxsize=1024)
def _is_one_of(address: str, proxies: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(proxies))


def client_address(request: HttpRequest) -> str:
    """The address a request came from, for throttling, lockout and logs."""
    meta = request.META
    remote: str = meta.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(hops):
        if not is_trusted_proxy(hop):
            # A proxy appends what it saw, so this is an address, unless it was made up
            # by the client in a chain with nothing of ours behind it: then it is refused.
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote
    return remote


class TrustedProxyMiddleware:
    """Drops forwarded headers from anyone but a trusted proxy, before anything reads them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
