"""Root URLs: the admin for the desk, the API (v1) with its OpenAPI schema and docs, and the health probe."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from factcheck.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("claims.api.urls")),
    # The desk's, as the API is (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]): a client's token, or the admin's session.
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Read in a browser: signed out, the admin's login page first. Its script is a file, not inline (the CSP).
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema"), login_url="admin:login"),
        name="api-docs",
    ),
    path("healthz", healthz, name="healthz"),
    path("factchecks/", include("claims.public.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "factcheck.errors.bad_request"
handler403 = "factcheck.errors.permission_denied"
handler404 = "factcheck.errors.page_not_found"
handler500 = "factcheck.errors.server_error"
