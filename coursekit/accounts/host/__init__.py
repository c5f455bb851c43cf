"""Accounts of a host app's users: coursekit mounted in a site that owns the login."""
