"""Intake → routing: every filed complaint gets its case (desk, reason, deadline) at once,
inside the intake transaction, so that no stored complaint is left without a desk."""

from doleances.signals import complaint_filed, complaints_filed_bulk
from traitement.services import open_cases


def on_complaint_filed(sender, complaint, **kwargs):
    open_cases([complaint])


def on_complaints_filed_bulk(sender, complaints, **kwargs):
    open_cases(list(complaints))


def connect():
    complaint_filed.connect(on_complaint_filed, dispatch_uid="traitement.route_one")
    complaints_filed_bulk.connect(on_complaints_filed_bulk, dispatch_uid="traitement.route_bulk")
