from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class WagtailPersonalLinksConfig(AppConfig):
    """Register the system checks, the permission policies and the API router."""

    name = "wagtail_personal_links"
    label = "wagtail_personal_links"
    verbose_name = _("Personal links")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.permissions import register_permission_policy

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import Contact, Segment

        register_permission_policy(Contact)
        register_permission_policy(Segment)

        if apps.is_installed("wagtail.api.v3"):
            from wagtail.api.v3.api import api

            from .api.errors import register_exception_handlers
            from .api.router import router

            api.add_router("/personal-links/", router)
            register_exception_handlers(api)
