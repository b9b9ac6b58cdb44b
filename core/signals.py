"""One receiver for every save and deletion of some models (`on_change`): what keeps each
per-process cache or version token in step with the rows it was built from."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Model
from django.db.models.signals import post_delete, post_save


def on_change(receiver: Callable, models: Iterable[type[Model]], name: str) -> None:
    """Connect `receiver` to `post_save` and `post_delete` of each model (`name` makes the
    dispatch ids, so that connecting again changes nothing)."""
    for model in models:
        uid = f"{name}.{model._meta.label_lower}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + ".delete")
