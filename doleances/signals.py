"""Signals that let upper layers (routing, notifications) react to intake without doleances
depending on them."""

from django.dispatch import Signal

# Sent inside the intake transaction with `complaint` and `complainant` (the contact stored
# with it, or None); receivers must not swallow errors.
complaint_filed = Signal()
# Sent after a bulk import batch with `complaints` (a list); same contract.
complaints_filed_bulk = Signal()
