"""API tokens, their users kept under the data version (docs/decisions/0042).

DRF's token authentication reads the token and its user from the database on every
request: a round trip and the ORM building the same query each time, about a third of a
signed-in API read answered from the kept answers. Here the token's user is kept under
the data version, which every write to users, groups, permissions and tokens moves on
(``core.api.answers.people_changed``), so a deleted token or a deactivated account is
refused at once, as before. It is read with the version in one round trip. The password
hash is not kept: the user is read without it (a deferred field, read from the database
if ever asked for, and never written back by a save).
"""

import hashlib
from typing import Any

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from core.response_cache import kept_with_version


class KeptTokenAuthentication(TokenAuthentication):
    #: The token of the data version the user was read under (None if not kept).
    data_version: str | None = None

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        seconds: int = getattr(settings, "SVPORTAL_SIGNED_IN_API_CACHE_SECONDS", 0)
        # The key's digest, so that the cache's keys name no token.
        digest = hashlib.sha256(key.encode()).hexdigest()
        # The version it was read under names the version of the reader's answer too
        # (core/api/answers.py), which then needs no read of its own.
        self.data_version, user = kept_with_version(
            f"api-token|{digest}", lambda: self._user_of(key), using="default", seconds=seconds
        )
        # request.auth is the token, as DRF's: made from its key, not read again.
        return user, self.get_model()(key=key, user=user)

    def _user_of(self, key: str) -> Any:
        model: Any = self.get_model()
        try:
            token = model.objects.select_related("user").defer("user__password").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return token.user
