"""Root URLs: the admin for the desk, the API (v1) with its OpenAPI schema and docs, and the health probe."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from factcheck.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("claims.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", healthz, name="healthz"),
    path("factchecks/", include("claims.public.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "factcheck.errors.bad_request"
handler403 = "factcheck.errors.permission_denied"
handler404 = "factcheck.errors.page_not_found"
handler500 = "factcheck.errors.server_error"
