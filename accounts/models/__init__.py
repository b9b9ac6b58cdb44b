from .audit import AuditEvent, AuditTrailIsAppendOnly
from .partners import Desk, Partner, ordered_desks
from .profile import Profile

__all__ = ["AuditEvent", "AuditTrailIsAppendOnly", "Desk", "Partner", "Profile", "ordered_desks"]
