"""URLs of the public fact-check pages, under /factchecks/."""

from django.urls import path

from claims.public import feeds, views

app_name = "factchecks"

urlpatterns = [
    path("", views.factcheck_list, name="list"),
    path("feed/", feeds.FactCheckFeed(), name="feed"),
    path("claimreview.jsonld", feeds.claimreview_feed, name="claimreview-feed"),
    path("snapshots/<int:snapshot_id>/", views.snapshot_detail, name="snapshot"),
    path("<int:claim_id>-<slug:slug>/", views.factcheck_detail, name="detail"),
    # Without a slug, or with an empty one: redirected to the canonical address.
    path("<int:claim_id>/", views.factcheck_detail, name="detail-by-id"),
    path("<int:claim_id>-/", views.factcheck_detail),
]
