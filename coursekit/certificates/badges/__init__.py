"""Open Badges 3.0 credentials for certificates: signing keys, the credential and its
VC-JWT, and the public documents verifiers fetch (docs/open-badges.md)."""
