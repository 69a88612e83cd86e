from .contacts import Contact
from .links import LinkBatch, PersonalLink
from .segments import Segment, SegmentMembership
from .submissions import PersonalLinkFormSubmission

__all__ = [
    "Contact",
    "LinkBatch",
    "PersonalLink",
    "PersonalLinkFormSubmission",
    "Segment",
    "SegmentMembership",
]
