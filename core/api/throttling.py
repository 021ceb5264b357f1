"""DRF's throttles, counting each client by the address ``core.proxies`` believes.

DRF's own ``get_ident`` takes ``X-Forwarded-For`` as the client wholesale, so a client that
sends a new made-up value each time is never throttled.

An anonymous request is counted against the anonymous rate alone. DRF's UserRateThrottle
would count it a second time, by address, against the signed-in rate, which is the looser
one: a second read and write of Redis on every anonymous request that never refuses one.

On Redis (core.cache.FailSafeRedisCache) a throttle decides in one round trip, with the
window's times kept in Redis itself (``record_in_window``); DRF reads each client's whole
list of times and writes it back, two round trips and the list pickled each way on every
request. The rule is DRF's: at most the rate's number of requests in any window of its
length, refused requests not counted. On any other cache DRF's own way is used.
"""

from typing import TYPE_CHECKING, Any

from rest_framework import throttling

from core.proxies import client_address

if TYPE_CHECKING:  # the settings name these throttles, which rest_framework.views reads
    from rest_framework.request import Request
    from rest_framework.views import APIView

    from core.cache import WindowCount


class ClientAddressMixin:
    def get_ident(self, request: "Request") -> str:
        return client_address(request)


class OneRoundTripMixin(throttling.SimpleRateThrottle):
    """DRF's sliding window, decided by the cache in one round trip where it can."""

    found: "WindowCount | None" = None
    # Set by SimpleRateThrottle.__init__ from the rate.
    duration: int
    num_requests: int

    def allow_request(self, request: "Request", view: "APIView") -> bool:
        record = getattr(self.cache, "record_in_window", None)
        if record is None:
            return bool(super().allow_request(request, view))
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        # Its own key: DRF's keeps a pickled list under the plain one.
        self.found = record(
            f"window:{self.key}", now=self.now, window=self.duration, limit=self.num_requests
        )
        return self.found.allowed

    def wait(self) -> Any:
        """Seconds until a request would be allowed again, as DRF reckons it."""
        if self.found is None:
            return super().wait()
        remaining: float = self.duration
        if self.found.oldest is not None:
            remaining = self.duration - (self.now - self.found.oldest)
        available = self.num_requests - self.found.held + 1
        if available <= 0:
            return None
        return remaining / float(available)


class AnonRateThrottle(ClientAddressMixin, OneRoundTripMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, OneRoundTripMixin, throttling.UserRateThrottle):
    def get_cache_key(self, request: "Request", view: "APIView") -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # AnonRateThrottle counts it
        key: str | None = super().get_cache_key(request, view)
        return key
