"""Registration only: viewsets, URLs, buttons, permissions and log actions."""

from wagtail.snippets.models import register_snippet

from .viewsets import PersonalLinksViewSetGroup

register_snippet(PersonalLinksViewSetGroup)
