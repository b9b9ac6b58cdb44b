from .contract import Action, Axis, Contract, Decision, Priority, SectorDeclination
from .indicators import Indicator, IndicatorTarget, IndicatorValue

__all__ = [
    "Action",
    "Axis",
    "Contract",
    "Decision",
    "Indicator",
    "IndicatorTarget",
    "IndicatorValue",
    "Priority",
    "SectorDeclination",
]
