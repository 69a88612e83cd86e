from .attribute_keys import AttributeType, ContactAttributeKey
from .contacts import Contact
from .links import LinkBatch, LinkStatus, PersonalLink
from .segments import Segment, SegmentMembership
from .submissions import PersonalLinkFormSubmission

__all__ = [
    "AttributeType",
    "Contact",
    "ContactAttributeKey",
    "LinkBatch",
    "LinkStatus",
    "PersonalLink",
    "PersonalLinkFormSubmission",
    "Segment",
    "SegmentMembership",
]
