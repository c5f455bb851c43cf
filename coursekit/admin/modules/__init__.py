"""The administrator's module page: discovered packages, versions, instructors."""
