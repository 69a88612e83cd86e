"""Public URLs of the plugin: the unsubscribe page behind every email's opt-out link.

Include them in the site's URLconf, before Wagtail's catch-all::

    path("email/", include("wagtail_personal_links.urls")),
"""

from django.urls import path

from .views import unsubscribe

app_name = "wagtail_personal_links_public"

urlpatterns = [
    path(
        "unsubscribe/<str:token>/",
        unsubscribe.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
]
