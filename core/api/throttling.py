"""DRF's throttles, counting each client by the address ``core.proxies`` believes.

DRF's own ``get_ident`` takes ``X-Forwarded-For`` as the client wholesale, so a client that
sends a new made-up value each time is never throttled.

An anonymous request is counted against the anonymous rate alone. DRF's UserRateThrottle
would count it a second time, by address, against the signed-in rate, which is the looser
one: a second read and write of Redis on every anonymous request that never refuses one.
"""

from rest_framework import throttling

from core.proxies import client_address


class ClientAddressMixin:
    def get_ident(self, request):
        return client_address(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # AnonRateThrottle counts it
        return super().get_cache_key(request, view)
