"""The API's routes (v1)."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import DefaultRouter

from claims.alerts.api import WebhookEndpointViewSet
from claims.api import views
from claims.intake.api import IntakeViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("sources", views.SourceViewSet, basename="source")
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
router.register("intake", IntakeViewSet, basename="intake")

urlpatterns = [*router.urls, path("stats/", views.StatsView.as_view(), name="stats")]
