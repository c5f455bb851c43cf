"""Reports for instructors and administrators: per module version, per learner, and CSV
exports of both, read in SQL from each feature's append-only records."""
