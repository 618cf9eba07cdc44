"""The admin's app config: Django's own, with the desk's site (claims.admin_site), whose index is the home page."""

from django.contrib.admin.apps import AdminConfig


class DeskAdminConfig(AdminConfig):
    default_site = "claims.admin_site.DeskAdminSite"
