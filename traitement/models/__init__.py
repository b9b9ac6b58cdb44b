from .case import Case, CaseEvent
from .routing import PlaceType, RoutingRevision, RoutingRule, TimeWindow

__all__ = ["Case", "CaseEvent", "PlaceType", "RoutingRevision", "RoutingRule", "TimeWindow"]
