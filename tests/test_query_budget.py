"""The statement counter, and the user list's search keeping to the list's budget however
many accounts match (every page's own budget is in ``test_page_budgets``)."""

from __future__ import annotations

from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role, User, UserRole
from coursekit.accounts.passwords import hash_password
from tests.helpers import login, make_user
from tests.querycount import count_queries, queries_for

HASH = None


def add_people(app, count: int, start: int) -> None:
    """Insert ``count`` users with two roles each, sharing one password hash (fast)."""
    global HASH
    with app.app_context():
        HASH = HASH or hash_password("irrelevant passphrase")
        for n in range(start, start + count):
            db.session.add(
                User(
                    email=f"person{n}@example.org",
                    password_hash=HASH,
                    first_name="P",
                    last_name=str(n),
                    roles=[UserRole(role=Role.LEARNER), UserRole(role=Role.INSTRUCTOR)],
                )
            )
        db.session.commit()


def test_count_queries_sees_every_statement(app):
    with app.app_context(), count_queries(app) as statements:
        db.session.get(User, 1)
        db.session.scalars(select(User)).all()
    assert len(statements) == 2


def test_admin_user_list_budget_does_not_grow_with_users(app, client):
    make_user(app, "admin@example.org", Role.ADMIN)
    login(client, "admin@example.org")
    add_people(app, 3, 0)
    few = queries_for(app, client, "/admin/users")
    add_people(app, 40, 3)
    many = queries_for(app, client, "/admin/users?q=person")
    assert len(many) == len(few) <= 6, many
