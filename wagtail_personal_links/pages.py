"""Page mixins: the invitation-only gate and the single attributed answer."""

from __future__ import annotations

import functools
from typing import Any

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from .gate import Gate, add_gate_headers, render_gate
from .languages import add_language_headers, speaking
from .models import PersonalLink, PersonalLinkFormSubmission
from .models.submissions import (
    CONTACT_DATA_FIELDS,
    attribute_data_fields,
    validate_attribute_columns,
)
from .prefill import apply_contact, hidden_values
from .sessions import personal_link_for

__all__ = ["AlreadyAnswered", "PersonalLinksFormMixin", "page_takes_links"]


class AlreadyAnswered(Exception):
    """The link was used up, or its contact answered, while this answer was on its way."""


class PersonalLinksFormMixin(models.Model):
    """Make a form page invitation-only and attribute each answer to one contact.

    Put it before ``AbstractForm`` or ``AbstractEmailForm``::

        class SurveyPage(PersonalLinksFormMixin, AbstractEmailForm): ...

    A visitor who came through a personal link for this page is held to it:
    the form is shown only while the link is usable, and the first valid
    submission uses it up and is stored with a snapshot of the contact. A
    visitor without a link meets the gate when the page is invitation-only,
    and answers anonymously otherwise. Editor previews are never gated.
    """

    personal_links_invitation_only = models.BooleanField(
        _("Invitation only"),
        default=True,
        help_text=_("Only people who open a personal link can see and answer the form."),
    )

    personal_links_prefill = models.BooleanField(
        _("Fill fields from the contact"),
        default=False,
        help_text=_(
            "Fields named like a contact field (email, first_name, last_name, custom_id) or "
            "attribute are prefilled for the link's contact; hidden fields are filled on the "
            "server instead, whatever the browser sends."
        ),
    )
    personal_links_attribute_columns = models.CharField(
        _("Attribute columns"),
        max_length=255,
        blank=True,
        validators=[validate_attribute_columns],
        help_text=_(
            "Contact attributes to show in the submissions listing, as copied with each "
            "answer: keys separated by commas, such as “plan, country”."
        ),
    )

    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(
            [
                FieldPanel("personal_links_invitation_only"),
                FieldPanel("personal_links_prefill"),
                FieldPanel("personal_links_attribute_columns"),
            ],
            heading=_("Personal links"),
        ),
    ]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        if self.personal_links_invitation_only:
            # Saving only adds to the index; a page that just became invitation-only leaves it.
            index.remove_object(self)

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Serve the form or a gate page in the respondent's language (see ``languages``)."""
        with speaking(request, self) as (language, from_request):
            response = self.serve_personal_links(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):
                response.render()  # while the language is active
        return add_language_headers(response, language, from_request)

    def serve_personal_links(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        """Show the form to a visitor with a usable link (or to anyone, on an open survey)."""
        if getattr(request, "is_preview", False):
            return super().serve(request, *args, **kwargs)
        link = personal_link_for(request, self)
        gate = self.get_personal_links_gate(request, link)
        if gate is not None:
            return render_gate(request, gate, page=self, link=link)
        # process_form_submission() has no request: hand the link over on the instance.
        self._personal_link = link
        try:
            response = super().serve(request, *args, **kwargs)
        except AlreadyAnswered:
            gate = Gate.USED_UP if link is not None and link.is_multi_use else Gate.ANSWERED
            return render_gate(request, gate, page=self, link=link)
        if link is not None or self.personal_links_invitation_only:
            add_gate_headers(response)
        return response

    def get_personal_links_gate(
        self, request: HttpRequest, link: PersonalLink | None
    ) -> Gate | None:
        """Return the gate to show instead of the form, or None to let the visitor in."""
        if link is None:
            return Gate.INVITATION_ONLY if self.personal_links_invitation_only else None
        if link.batch.page_id != self.pk:
            return Gate.INVALID
        return Gate.for_link(link)

    @classmethod
    def get_indexed_objects(cls) -> models.QuerySet:
        """Keep invitation-only pages out of the search index, so no search lists them."""
        return super().get_indexed_objects().filter(personal_links_invitation_only=False)

    def get_sitemap_urls(self, request: HttpRequest | None = None) -> list[dict[str, Any]]:
        """Leave invitation-only pages out of the sitemap."""
        if self.personal_links_invitation_only:
            return []
        return super().get_sitemap_urls(request)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["personal_link"] = getattr(self, "_personal_link", None)
        return context

    def get_submission_class(self) -> type[PersonalLinkFormSubmission]:
        return PersonalLinkFormSubmission

    def get_data_fields(self) -> list[tuple[str, Any]]:
        """Add the contact and chosen attribute columns after the submission date."""
        fields = list(super().get_data_fields())
        at = next((i + 1 for i, (name, _label) in enumerate(fields) if name == "submit_time"), 0)
        attributes = attribute_data_fields(self.personal_links_attribute_columns)
        return [*fields[:at], *CONTACT_DATA_FIELDS, *attributes, *fields[at:]]

    def get_form(self, *args: Any, **kwargs: Any) -> Any:
        """Fill fields from the link's contact when the page asks for it."""
        form = super().get_form(*args, **kwargs)
        if self.personal_links_prefill:
            link = getattr(self, "_personal_link", None)
            apply_contact(form, link.contact if link is not None else None)
        return form

    def process_form_submission(self, form: Any) -> PersonalLinkFormSubmission:
        """Store the answer; through a link, use the link up and attribute it, atomically.

        Raises :class:`AlreadyAnswered` when another request used the link up
        first, or the contact answered through another link.
        """
        # Hidden fields are the server's to fill; apply_contact took them out of the form.
        form.cleaned_data.update(hidden_values(form))
        link = getattr(self, "_personal_link", None)
        if link is None:
            return super().process_form_submission(form)
        try:
            with transaction.atomic():
                if not link.consume():
                    raise AlreadyAnswered
                submission = super().process_form_submission(form)
                submission.attribute_to(link)
        except IntegrityError:
            if not self.get_submissions().filter(contact_id=link.contact_id).exists():
                raise
            raise AlreadyAnswered from None
        return submission

    def send_mail(self, form: Any) -> None:
        """Send ``AbstractEmailForm``'s notification once the answer is stored, not before."""
        transaction.on_commit(functools.partial(super().send_mail, form))


def page_takes_links(page: Page) -> bool:
    """Return whether personal links can be made for ``page``: a page with this mixin."""
    model = page.specific_class
    return model is not None and issubclass(model, PersonalLinksFormMixin)
