from .attribute_keys import AttributeType, ContactAttributeKey
from .batches import LinkBatch
from .contacts import Contact
from .links import PersonalLink
from .rules import BatchState, LinkStatus, get_link_status
from .segments import Segment, SegmentMembership
from .submissions import PersonalLinkFormSubmission

__all__ = [
    "AttributeType",
    "BatchState",
    "Contact",
    "ContactAttributeKey",
    "LinkBatch",
    "LinkStatus",
    "PersonalLink",
    "PersonalLinkFormSubmission",
    "Segment",
    "SegmentMembership",
    "get_link_status",
]
