"""The example site with a sitemap and Wagtail's page APIs (v2 and v3), as sites mount them."""

from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.v3.urls import api as api_v3
from wagtail.contrib.sitemaps.views import sitemap

from example.urls import urlpatterns as site_urlpatterns

api_v2 = WagtailAPIRouter("wagtailapi")
api_v2.register_endpoint("pages", PagesAPIViewSet)

urlpatterns = [
    path("sitemap.xml", sitemap),
    path("api/v2/", api_v2.urls),
    path("api/v3/", api_v3.urls),
    *site_urlpatterns,
]
