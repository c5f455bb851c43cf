"""The administrator console's Users section: a person's whole record, and the changes
an administrator makes to an account (roles, legal name, status)."""
