"""DRF's throttles, counting each client by the address ``core.proxies`` believes.

DRF's own ``get_ident`` takes ``X-Forwarded-For`` as the client wholesale, so a client that
sends a new made-up value each time is never throttled.
"""

from rest_framework import throttling

from core.proxies import client_address


class ClientAddressMixin:
    def get_ident(self, request):
        return client_address(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    pass
