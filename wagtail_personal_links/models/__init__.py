from .contacts import Contact
from .links import LinkBatch, LinkStatus, PersonalLink
from .outbox import EmailKind, Mailing, MessageTemplate, OutboxMessage
from .segments import Segment, SegmentMembership
from .submissions import PersonalLinkFormSubmission

__all__ = [
    "Contact",
    "EmailKind",
    "LinkBatch",
    "LinkStatus",
    "Mailing",
    "MessageTemplate",
    "OutboxMessage",
    "PersonalLink",
    "PersonalLinkFormSubmission",
    "Segment",
    "SegmentMembership",
]
