"""A URLconf without the unsubscribe page, for the system check test."""

urlpatterns: list = []
