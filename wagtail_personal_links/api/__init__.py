"""The personal links API: a django-ninja router on Wagtail's API v3 (see :mod:`.router`)."""
