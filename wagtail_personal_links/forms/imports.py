"""Forms of the contact import: the upload, and the signed state between the steps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies import ModelPermissionPolicy

from ..conf import personal_links_settings
from ..imports.files import ENCODING_CHOICES, FORMAT_CHOICES
from ..imports.resources import Duplicates
from ..imports.service import ImportFile
from ..imports.storage import UPLOAD_MAX_AGE
from ..models import Segment

__all__ = ["ContactImportForm", "ImportStateForm"]


class ContactImportForm(forms.Form):
    """Choose a file and how to import it; once valid, ``cleaned_data["file"]`` is the upload."""

    import_file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx"}),
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Detect from the file")), *FORMAT_CHOICES],
        required=False,
    )
    encoding = forms.ChoiceField(
        label=_("Encoding"),
        choices=ENCODING_CHOICES,
        initial="utf-8",
        help_text=_("How the text of a CSV or TSV file is stored."),
    )
    duplicates = forms.ChoiceField(
        label=_("Contacts that already exist"),
        choices=Duplicates.choices,
        initial=Duplicates.UPDATE,
        widget=forms.RadioSelect,
        help_text=_("A row matches a contact by its Custom ID, or else by its email."),
    )
    segment = forms.ModelChoiceField(
        label=_("Add every row to a segment"),
        queryset=Segment.objects.all(),
        required=False,
        empty_label=_("No segment"),
    )
    new_segment = forms.CharField(
        label=_("Or to a new segment named"),
        max_length=Segment._meta.get_field("name").max_length,
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["import_file"].help_text = _(
            "CSV, TSV or Excel (.xlsx) with a header row, up to %(size)s and %(rows)s rows. "
            "Email, Custom ID, First name and Last name columns fill those fields; every "
            "other column becomes an attribute."
        ) % {
            "size": filesizeformat(personal_links_settings.IMPORT_MAX_BYTES),
            "rows": number_format(personal_links_settings.IMPORT_MAX_ROWS, force_grouping=True),
        }
        segments = ModelPermissionPolicy(Segment)
        if not segments.user_has_permission(user, "change"):
            del self.fields["segment"]
        if not segments.user_has_permission(user, "add"):
            del self.fields["new_segment"]

    def clean_import_file(self) -> Any:
        upload = self.cleaned_data["import_file"]
        limit = personal_links_settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is %(size)s; files of up to %(limit)s can be imported."),
                code="too_big",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        return upload

    def clean_new_segment(self) -> str:
        name = self.cleaned_data["new_segment"].strip()
        if name and Segment.objects.filter(name__iexact=name).exists():
            raise ValidationError(
                _("A segment named “%(name)s” already exists; choose it above instead."),
                code="segment_exists",
                params={"name": name},
            )
        return name

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        if cleaned_data.get("segment") and cleaned_data.get("new_segment"):
            self.add_error(
                "new_segment", _("Choose an existing segment or name a new one, not both.")
            )
        upload = cleaned_data.get("import_file")
        if upload is not None and "encoding" in cleaned_data:
            cleaned_data["file"] = ImportFile(
                b"".join(upload.chunks()),
                upload.name,
                cleaned_data.get("file_format", ""),
                cleaned_data["encoding"],
            )
        return cleaned_data


class ImportStateForm(forms.Form):
    """The import's state between the steps, signed so it cannot be tampered with."""

    salt = "wagtail_personal_links.import_contacts"
    state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    @classmethod
    def sign(cls, state: dict[str, Any]) -> str:
        """Return ``state`` signed, for the ``state`` field's initial value."""
        return signing.dumps(state, salt=cls.salt, compress=True)

    def clean_state(self) -> dict[str, Any]:
        try:
            state = signing.loads(
                self.cleaned_data["state"], salt=self.salt, max_age=UPLOAD_MAX_AGE
            )
        except signing.SignatureExpired:
            raise ValidationError(
                _("This import has expired. Upload the file again."), code="expired"
            ) from None
        except signing.BadSignature:
            state = None
        if not state or state.get("user") != self.user.pk:
            raise ValidationError(
                _("This import could not be found. Upload the file again."), code="invalid"
            )
        return state
