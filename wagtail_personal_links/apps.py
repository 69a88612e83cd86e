from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailPersonalLinksConfig(AppConfig):
    """Register the plugin's system checks once the app registry is ready."""

    name = "wagtail_personal_links"
    label = "wagtail_personal_links"
    verbose_name = _("Personal links")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
