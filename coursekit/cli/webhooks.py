"""``coursekit webhooks``: send the webhook outbox to the registered endpoints."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from coursekit.webhooks.delivery import DeliverySettings, deliver_due, deliver_forever
from coursekit.webhooks.models import DeliveryState

webhooks_group = AppGroup("webhooks", help="Webhook deliveries.")


@webhooks_group.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit (for a timer).")
@click.option(
    "--poll",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Seconds between looks for due deliveries (default COURSEKIT_WEBHOOK_POLL_SECONDS).",
)
def deliver_command(once: bool, poll: float | None) -> None:
    """Send due webhook deliveries: each one try, signed; a failed try is tried again
    later with a growing wait. Without --once, keeps running and looks again every
    --poll seconds (run it as a service). Several may run at once, on one machine or
    several: each delivery is claimed by one of them."""
    settings = DeliverySettings.from_config(current_app.config)
    if not once:
        deliver_forever(
            settings, poll_seconds=poll or current_app.config["COURSEKIT_WEBHOOK_POLL_SECONDS"]
        )
        return
    report = deliver_due(settings)
    click.echo(
        f"{report.count(DeliveryState.DELIVERED)} delivered, "
        f"{report.count(DeliveryState.PENDING)} to try again later, "
        f"{report.count(DeliveryState.FAILED)} failed."
    )
