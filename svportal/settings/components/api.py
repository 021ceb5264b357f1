"""The API: Django REST framework, its schema (drf-spectacular) and 360Giving."""

from typing import Any

from .environment import env

# --- REST framework ----------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so a missing or bad token is answered 401 with WWW-Authenticate: Token
    # (its user kept under the data version: core/api/authentication.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.KeptTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "drf_orjson_renderer.renderers.ORJSONRenderer",
        "core.api.csv.CSVRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.PortalJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": ("core.api.negotiation.PortalContentNegotiation"),
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PortalPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.portal_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonRateThrottle",
        "core.api.throttling.UserRateThrottle",
    ],
    # Clients are told apart by core.proxies.client_address; this keeps any other DRF
    # throttle from believing X-Forwarded-For either.
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("DJANGO_API_THROTTLE_ANON", default="120/minute"),
        "user": env.str("DJANGO_API_THROTTLE_USER", default="1200/minute"),
    },
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "SEARCH_PARAM": "q",
    "ORDERING_PARAM": "ordering",
}

SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "SV Portal API",
    "DESCRIPTION": (
        "Boroughs' knife-crime action plans, interventions, case studies, funding and "
        "stock-takes. Every list is paginated (page, page_size up to 500; or cursor, from a "
        "page's next_cursor, for a walk that rows inserted meanwhile cannot disturb), "
        "filterable, orderable (ordering), searchable (q) and takes modified_after for incremental "
        "sync; add format=csv for a spreadsheet of the whole filtered list. Errors share "
        "one shape: {status, code, detail, errors}."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Every operation documents the errors the conventions give (400, 401, 404, 429, 503…).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.document_errors",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "core.models.DatePrecision",
        "RegionEnum": "boroughs.models.Region",
        "ItemStatusEnum": "actionplans.models.ItemStatus",
        "BoroughKindEnum": "boroughs.models.Borough.Kind",
        "PartnershipKindEnum": "boroughs.models.Partnership.Kind",
        "OrganisationKindEnum": "boroughs.models.Organisation.Kind",
        "FunderKindEnum": "funding.models.Funder.Kind",
        "PlanStatusEnum": "actionplans.models.ActionPlan.Status",
        "CaseStudyStatusEnum": "casestudies.models.CaseStudy.Status",
        "EvaluationStatusEnum": "casestudies.evidence.EvaluationStatus",
        "EvaluatedByEnum": "casestudies.evidence.EvaluatedBy",
        "EvaluationDesignEnum": "casestudies.evidence.EvaluationDesign",
        "ExportKindEnum": "svportal.models.ExportJob.Kind",
        "ExportFormatEnum": "svportal.models.ExportJob.Format",
        "ExportStatusEnum": "svportal.models.ExportJob.Status",
    },
}

# 360Giving: grant identifiers are this prefix, a hyphen and the award's slug.
GRANTS_360_IDENTIFIER_PREFIX = env.str("SVPORTAL_360G_PREFIX", default="360G-svportal")
