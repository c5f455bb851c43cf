"""Accounts: users, roles, login and registration, the learner's CE profile."""
