from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from actionplans.api.views import ActionItemViewSet, ActionPlanViewSet, FrameworkViewSet
from boroughs.api.views import (
    BoroughViewSet,
    OrganisationViewSet,
    PartnershipViewSet,
    StockTakeViewSet,
)
from casestudies.api.plan_items import PlanItemInterventionsView
from casestudies.api.views import CaseStudyViewSet, InterventionViewSet
from funding.api.views import AwardViewSet, FunderViewSet, FundingStreamViewSet

from . import views
from .exports import ExportViewSet
from .search import PortalSearchView

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False
router.register("boroughs", BoroughViewSet)
router.register("partnerships", PartnershipViewSet)
router.register("organisations", OrganisationViewSet)
router.register("stock-takes", StockTakeViewSet)
router.register("case-studies", CaseStudyViewSet, basename="casestudy")
router.register("interventions", InterventionViewSet)
router.register("frameworks", FrameworkViewSet)
router.register("action-plans", ActionPlanViewSet)
router.register("action-items", ActionItemViewSet)
router.register("funders", FunderViewSet)
router.register("funding-streams", FundingStreamViewSet)
router.register("awards", AwardViewSet)
router.register("exports", ExportViewSet, basename="export")

urlpatterns = [
    path("v1/awards/360giving/", views.Grants360View.as_view(), name="awards-360giving"),
    path("v1/borough-summary/", views.BoroughSummaryView.as_view(), name="borough-summary"),
    path("v1/compare/", views.CompareView.as_view(), name="compare"),
    path("v1/search/", PortalSearchView.as_view(), name="search"),
    path(
        "v1/action-items/<int:pk>/interventions/",
        PlanItemInterventionsView.as_view(),
        name="action-item-interventions",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
