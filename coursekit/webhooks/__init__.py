"""Webhooks: CourseKit's events, posted signed to the endpoints administrators register.

``events`` names the event types and builds their payloads; ``outbox`` queues an event
in the transaction of the change (listening to ``coursekit.signals``); ``delivery``
sends the outbox, retrying with backoff; ``signing`` signs deliveries and gives
receivers :func:`verify_signature`; ``targets`` decides where deliveries may go.
See ``docs/webhooks.md``.
"""

from coursekit.webhooks.signing import SignatureRefused, verify_signature

__all__ = ["SignatureRefused", "verify_signature"]
