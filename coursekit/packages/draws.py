"""Whether a module's bank draws can always be filled.

Draws from one bank never share a question within an attempt, so checking each draw
against the bank alone is not enough: two draws whose tags select the same five
questions cannot both take three. Every group of draws must find at least as many
distinct eligible questions as it asks for (Hall's condition), which is also what lets an
attempt draw them all.
"""

from __future__ import annotations

import itertools

Draw = tuple[int, int, frozenset[int]]
"""(the draw's index in the manifest, how many it asks for, the bank questions it may take)"""

MAX_GROUP = 8
"""Groups of up to this many draws are tried (2^8 groups); banks seldom have more."""


def overdrawn(draws: list[Draw]) -> tuple[list[int], int, int] | None:
    """The first group of two or more draws (1-based numbers) that asks for more distinct
    questions than it may take, with what it asks and what there is; None when all can be
    filled. Each draw on its own is checked by the loader, with its own message."""
    for size in range(2, min(len(draws), MAX_GROUP) + 1):
        for group in itertools.combinations(draws, size):
            asked = sum(wanted for _index, wanted, _eligible in group)
            available = len(frozenset().union(*(eligible for *_rest, eligible in group)))
            if asked > available:
                return [index + 1 for index, *_rest in group], asked, available
    return None
