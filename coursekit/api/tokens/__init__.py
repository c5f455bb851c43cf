"""API tokens: personal tokens users create for themselves, integration tokens admins
create for other systems. Stored as a SHA-256 hash; the token itself is shown once."""
