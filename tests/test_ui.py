"""The base UI: labelled fields, errors tied to their fields, navigation by role."""

from __future__ import annotations

from html.parser import HTMLParser

from coursekit import db
from coursekit.accounts.models import Role, User
from tests.helpers import login, make_user, submit


class FormAudit(HTMLParser):
    """Collects form controls, labels and element ids of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict] = []
        self.label_targets: set[str] = set()
        self.ids: set[str] = set()
        self.open_labels = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "label":
            self.open_labels += 1
            if "for" in attributes:
                self.label_targets.add(attributes["for"])
        if tag in ("input", "select", "textarea") and attributes.get("type") != "hidden":
            self.controls.append({**attributes, "_wrapped": self.open_labels > 0})

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1


def audit(html: str) -> FormAudit:
    parser = FormAudit()
    parser.feed(html)
    return parser


def assert_accessible_forms(html: str, page: str) -> None:
    found = audit(html)
    for control in found.controls:
        labelled = control.get("id") in found.label_targets or control["_wrapped"]
        assert labelled, (page, control)
        for described in control.get("aria-describedby", "").split():
            assert described in found.ids, (page, described)


def test_every_form_control_has_a_label(app, client):
    for page in ("/login", "/register", "/password/forgot"):
        assert_accessible_forms(client.get(page).text, page)
    make_user(app, "admin@example.org", Role.ADMIN)
    login(client, "admin@example.org")
    for page in ("/account", "/account/password", "/admin/users"):
        assert_accessible_forms(client.get(page).text, page)


def test_field_errors_sit_next_to_their_field(app, client):
    response = submit(
        client, "/register", {"first_name": "", "last_name": "L", "email": "x", "password": "p"}
    )
    assert response.status_code == 422
    assert_accessible_forms(response.text, "/register")
    assert 'id="first_name-error"' in response.text
    assert 'aria-describedby="first_name-hint first_name-error"' in response.text
    assert 'role="alert"' in response.text


def test_navigation_follows_the_role(app):
    anonymous = app.test_client().get("/").text
    assert "Sign in" in anonymous and "My CE profile" not in anonymous
    make_user(app, "ann@example.org")
    make_user(app, "boss@example.org", Role.ADMIN)
    learner, admin = app.test_client(), app.test_client()
    login(learner, "ann@example.org")
    login(admin, "boss@example.org")
    learner_page, admin_page = learner.get("/").text, admin.get("/").text
    assert "My CE profile" in learner_page and ">Users<" not in learner_page
    assert ">Users<" in admin_page and "Sign out" in admin_page


def test_flash_messages_show_once(app, client):
    make_user(app, "ann@example.org")
    login(client, "ann@example.org")
    page = client.get("/").text
    assert "Signed in as ann@example.org." in page
    assert "Signed in as" not in client.get("/").text


def test_stylesheet_is_served_and_needs_no_network(app, client):
    home = client.get("/").text
    assert 'href="/static/coursekit/coursekit.css"' in home
    assert "http://" not in home.split("<body>")[0] and "https://" not in home.split("<body>")[0]
    css = client.get("/static/coursekit/coursekit.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert "@media" in css.text


def test_names_are_shown_escaped_everywhere(app):
    make_user(app, "boss@example.org", Role.ADMIN)
    make_user(app, "x@example.org", first_name="<script>alert(1)</script>", last_name="O'Neil")
    learner, admin = app.test_client(), app.test_client()
    login(learner, "x@example.org")
    login(admin, "boss@example.org")
    for page in (
        learner.get("/account").text,
        admin.get("/admin/users").text,
        learner.get("/").text,
    ):
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_long_lists_page_with_their_search_kept(app, client):
    make_user(app, "admin@example.org", Role.ADMIN)
    with app.app_context():
        db.session.add_all(
            User(email=f"ana{n}@example.org", password_hash="!", first_name="Ana", last_name=str(n))
            for n in range(51)
        )
        db.session.commit()
    login(client, "admin@example.org")
    first = client.get("/admin/users?q=ana").text
    assert "Page 1 of 2" in first and "Previous</a>" not in first
    assert 'href="/admin/users?page=2&amp;q=ana">Next</a>' in first
    last = client.get("/admin/users?q=ana&page=2").text
    assert "Page 2 of 2" in last and "Next</a>" not in last
    assert 'href="/admin/users?page=1&amp;q=ana">Previous</a>' in last
