"""``coursekit certificates …``: preview the design, issue in bulk."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from coursekit.certificates.provider.values import PAGE_SIZES
from coursekit.certificates.sample import SampleError, render_sample
from coursekit.cli.certificate_issue import issue_command

certificates_group = AppGroup("certificates", help="Certificates: preview and issue.")
certificates_group.add_command(issue_command)


@certificates_group.command("sample")
@click.argument("module_id")
@click.option(
    "-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option("--version", "version", default=None, help="A published version (default: newest).")
@click.option(
    "--page-size",
    type=click.Choice(PAGE_SIZES),
    default=None,
    help="Letter or A4 (default: the provider's setting).",
)
def sample_command(
    module_id: str, output: Path, version: str | None, page_size: str | None
) -> None:
    """Render MODULE_ID's certificate for a sample learner to OUTPUT (a PDF), with the
    provider settings in force and the package's own template. Writes nothing to the
    database; the sample's verification URL leads nowhere (example.invalid)."""
    try:
        sample = render_sample(module_id, version=version, page_size=page_size)
    except SampleError as error:
        raise click.ClickException(str(error)) from None
    output.write_bytes(sample.pdf)
    click.echo(f"Wrote {output} ({len(sample.pdf):,} bytes).")
    if sample.pages != 1:
        click.echo(
            f"Warning: the certificate runs to {sample.pages} pages; it must fit on one.", err=True
        )
    if sample.missing:
        click.echo(
            "Note: the provider settings still lack the "
            + ", ".join(sample.missing)
            + "; certificates cannot be issued until they are filled in.",
            err=True,
        )
