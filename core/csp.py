"""The Content-Security-Policy header, built from the settings once per process.

django-csp's middleware builds the policy's text afresh for every answer, twice (the
policy and the report-only one), copying every directive of the settings each time: about
a tenth of what an answer from the response cache costs. Yet the text is the same for
every answer but for its nonce, so `CSPMiddleware` builds it once, with a mark where the
nonce goes, and puts each answer's nonce there. An answer that carries a policy of its own
(django-csp's decorators: ``csp_update``, ``csp_replace``, ``csp``, ``csp_exempt``) and
the debug pages are left to django-csp, as before.
"""

from http import HTTPStatus
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

#: Where the nonce goes in a policy built once: NUL, which no policy can contain (no
#: header may), so that nothing but the nonce's place is ever replaced.
NONCE_MARK = "\x00"
#: What django-csp's decorators set on an answer that has a policy of its own.
OWN_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt",
    "_csp_exempt_ro",
)
#: (header, its setting, report only)
POLICIES = (
    (HEADER, "CONTENT_SECURITY_POLICY", False),
    (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
)

_built: dict[tuple[bool, bool], str] = {}


def policy(*, report_only: bool, nonce: str | None) -> str:
    """The policy's text ("" for none) as django-csp builds it from the settings, with
    ``nonce`` (or, without one, with the nonce sources left out, as django-csp does)."""
    key = (report_only, bool(nonce))
    text = _built.get(key)
    if text is None:
        text = _built[key] = build_policy(
            nonce=NONCE_MARK if nonce else None, report_only=report_only
        )
    return text.replace(NONCE_MARK, nonce) if nonce else text


@receiver(setting_changed)
def _policy_settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _built.clear()


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's middleware, with the policy's text built once (`policy`)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.status_code == HTTPStatus.NOT_MODIFIED:
            # No policy on a 304: the browser would take it for its kept copy's, whose
            # scripts carry the nonce of the answer it kept, not this one's (a page seen
            # again ran none of its scripts). Without one, the kept policy still applies.
            return response
        if settings.DEBUG or any(hasattr(response, name) for name in OWN_POLICY):
            return super().process_response(request, response)
        nonce = getattr(request, "_csp_nonce", None)
        for header, setting, report_only in POLICIES:
            text = policy(report_only=report_only, nonce=nonce)
            if not text or header in response:
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
            if not request.path_info.startswith(tuple(prefixes or ())):
                response[header] = text
        if nonce is None:
            # As django-csp: a nonce asked for after the header is written is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
