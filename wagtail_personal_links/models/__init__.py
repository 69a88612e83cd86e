from .contacts import Contact
from .links import LinkBatch, LinkStatus, PersonalLink
from .segments import Segment, SegmentMembership
from .submissions import PersonalLinkFormSubmission

__all__ = [
    "Contact",
    "LinkBatch",
    "LinkStatus",
    "PersonalLink",
    "PersonalLinkFormSubmission",
    "Segment",
    "SegmentMembership",
]
