"""The API's routes (v1)."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import DefaultRouter

from claims.alerts.api import WebhookEndpointViewSet
from claims.api import views
from claims.intake.api import IntakeViewSet
from claims.matching.api import MatchView, SimilarClaimDecisionView, SimilarClaimsView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("sources", views.SourceViewSet, basename="source")
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
router.register("intake", IntakeViewSet, basename="intake")

urlpatterns = [
    path("claims/<int:pk>/similar/", SimilarClaimsView.as_view(), name="claim-similar"),
    path("claims/<int:pk>/similar/<int:other>/", SimilarClaimDecisionView.as_view(), name="claim-similar-decision"),
    path("match/", MatchView.as_view(), name="match"),
    *router.urls,
    path("stats/", views.StatsView.as_view(), name="stats"),
]
