from .subscriptions import AlertSubscription

__all__ = ["AlertSubscription"]
