from .audit import AuditEvent, AuditTrailIsAppendOnly
from .partners import Desk, Partner
from .profile import Profile

__all__ = ["AuditEvent", "AuditTrailIsAppendOnly", "Desk", "Partner", "Profile"]
