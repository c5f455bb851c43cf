"""WSGI entry point: ``gunicorn wsgi:app``."""

from coursekit import create_app

app = create_app()
