"""The participant attestation: the text a learner accepts before enrolling, versioned."""
