from .attribute_keys import AttributeType, ContactAttributeKey
from .batches import LinkBatch
from .contacts import Contact
from .links import PersonalLink
from .mailings import EmailKind, Mailing, MessageTemplate
from .outbox import OutboxMessage
from .rules import BatchState, LinkStatus, get_link_status
from .segments import Segment, SegmentMembership
from .submissions import PersonalLinkFormSubmission

__all__ = [
    "AttributeType",
    "BatchState",
    "Contact",
    "ContactAttributeKey",
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
    "get_link_status",
]
