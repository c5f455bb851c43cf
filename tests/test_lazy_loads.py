"""Lazy loads in requests fail in tests (``COURSEKIT_RAISE_ON_LAZY_LOAD``).

A page that walks a relationship it did not load costs one query per row it lists; the
suite turns such a load into an error naming the relationship and the endpoint, while
explicit eager loads, explicit refreshes and code outside requests keep working.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import immediateload, joinedload, selectinload, subqueryload

from coursekit import db
from coursekit.accounts import operations
from coursekit.accounts.models import StateLicence, User
from coursekit.db import LazyLoadInRequest
from tests.helpers import make_user

EMAIL = "lazy@example.org"


def _user() -> User:
    return db.session.scalars(select(User).where(User.email == EMAIL)).one()


def _licence() -> StateLicence:
    return db.session.scalars(select(StateLicence)).one()


@pytest.fixture
def records(app: Flask) -> Flask:
    """A learner with one licence."""
    make_user(app, EMAIL)
    with app.app_context():
        operations.add_licence(_user(), state="CA", number="AC 1234")
        db.session.commit()
    return app


def serve(app: Flask, read: Callable[[], object]) -> str:
    """Answer ``GET /probe`` (endpoint ``probe``) with what ``read`` returns."""
    app.add_url_rule("/probe", "probe", lambda: repr(read()))
    return app.test_client().get("/probe").text


def test_a_lazy_one_to_many_load_in_a_request_names_the_relationship_and_endpoint(records):
    with pytest.raises(LazyLoadInRequest, match=r"User\.licences.*'probe'"):
        serve(records, lambda: _user().licences)


def test_a_lazy_many_to_one_load_in_a_request_raises(records):
    with pytest.raises(LazyLoadInRequest, match=r"StateLicence\.user.*'probe'"):
        serve(records, lambda: _licence().user.email)


def test_a_handler_that_catches_every_exception_does_not_hide_it(records):
    def read() -> object:
        try:
            return _user().licences
        except Exception:  # as a best-effort mail or a template error message would
            return "hidden"

    with pytest.raises(LazyLoadInRequest):
        serve(records, read)


def test_reloading_an_expired_attribute_in_a_request_raises(records):
    def read() -> str:
        user = _user()
        db.session.expire(user, ["first_name"])
        return user.first_name

    with pytest.raises(LazyLoadInRequest, match=r"first_name of a loaded User.*'probe'"):
        serve(records, read)


@pytest.mark.parametrize("eager", [selectinload, joinedload, subqueryload, immediateload])
def test_explicit_eager_loads_in_a_request_are_allowed(records, eager):
    def read() -> list[str]:
        user = (
            db.session.scalars(
                select(User).where(User.email == EMAIL).options(eager(User.licences))
            )
            .unique()
            .one()
        )
        # ``roles`` is eager (selectin) on the mapping itself.
        return [licence.number for licence in user.licences] + sorted(user.role_names)

    assert serve(records, read) == "['AC 1234', 'learner']"


def test_an_explicit_refresh_in_a_request_is_allowed(records):
    def read() -> str:
        user = _user()
        db.session.refresh(user)
        return user.first_name

    assert serve(records, read) == "'Test'"


def test_lazy_loads_outside_requests_are_allowed(records):
    with records.app_context():
        assert [licence.number for licence in _user().licences] == ["AC 1234"]
        assert _licence().user.email == EMAIL


def test_lazy_loads_are_allowed_when_the_setting_is_off(make_app):
    app = make_app(COURSEKIT_RAISE_ON_LAZY_LOAD=False)
    make_user(app, EMAIL)
    assert serve(app, lambda: _user().licences) == "[]"
