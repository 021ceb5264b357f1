"""DRF's throttles, counting each client by the address ``core.proxies`` believes.

DRF's own ``get_ident`` takes ``X-Forwarded-For`` as the client wholesale, so a client that
sends a new made-up value each time is never throttled.

An anonymous request is counted against the anonymous rate alone. DRF's UserRateThrottle
would count it a second time, by address, against the signed-in rate, which is the looser
one: a second read and write of Redis on every anonymous request that never refuses one.
"""

from typing import TYPE_CHECKING

from rest_framework import throttling

from core.proxies import client_address

if TYPE_CHECKING:  # the settings name these throttles, which rest_framework.views reads
    from rest_framework.request import Request
    from rest_framework.views import APIView


class ClientAddressMixin:
    def get_ident(self, request: "Request") -> str:
        return client_address(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    def get_cache_key(self, request: "Request", view: "APIView") -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # AnonRateThrottle counts it
        key: str | None = super().get_cache_key(request, view)
        return key
