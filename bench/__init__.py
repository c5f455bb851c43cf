"""CourseKit's benchmark suite: ``python -m bench`` runs it and prints one table.

Benchmarks print figures and never pass or fail; the budgets that must hold are tests.
"""
