"""The JSON API at ``/api/v1``: marshmallow schemas per audience, token or session
authentication, one error envelope, cursor pagination and an OpenAPI 3.1 document.

API views call the same operations and queries as the pages (docs/api.md).
"""
