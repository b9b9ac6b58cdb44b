from .actions import ActionMilestone, PreventionAction, SessionAttendance
from .aggregates import RadicalisationTraining, SchoolHoliday, TigPostsYear
from .alerts import Acknowledgement, Alert, AlertRule, ResponseActionTaken
from .events import Event, MonthlyCount
from .tension import TensionPair, TensionParameters
from .territories import GroupTerritory

__all__ = [
    "Acknowledgement",
    "ActionMilestone",
    "Alert",
    "AlertRule",
    "Event",
    "GroupTerritory",
    "MonthlyCount",
    "PreventionAction",
    "RadicalisationTraining",
    "ResponseActionTaken",
    "SchoolHoliday",
    "SessionAttendance",
    "TensionPair",
    "TensionParameters",
    "TigPostsYear",
]
