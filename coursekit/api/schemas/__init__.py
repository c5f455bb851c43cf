"""Marshmallow schemas of the API, one module per audience and area.

Input schemas refuse unknown fields (marshmallow's default, RAISE); output schemas are
written per audience, so a learner's schema simply has no field for an answer key.
"""
