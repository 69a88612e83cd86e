"""Admin URLs of a batch's emails (namespace ``wagtail_personal_links_mail``)."""

from django.urls import path

from .models import EmailKind
from .views import mail, mailings

app_name = "wagtail_personal_links_mail"

BATCH = "<int:page_id>/batches/<int:batch_id>/email/"
MAILING = BATCH + "<int:mailing_id>/"

urlpatterns = [
    path(BATCH, mailings.MailingsView.as_view(), name="mailings"),
    path(BATCH + "invite/", mail.ComposeView.as_view(kind=EmailKind.INVITATION), name="invite"),
    path(BATCH + "remind/", mail.ComposeView.as_view(kind=EmailKind.REMINDER), name="remind"),
    path(MAILING, mailings.MailingView.as_view(), name="mailing"),
    path(MAILING + "status/", mailings.MailingStatusView.as_view(), name="mailing_status"),
    path(MAILING + "retry/", mailings.RetryFailedView.as_view(), name="retry"),
    path(MAILING + "cancel/", mailings.CancelMailingView.as_view(), name="cancel"),
]
