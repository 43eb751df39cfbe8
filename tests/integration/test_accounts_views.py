"""Signing in and out through Django's test client, and the password page's template."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.template.loader import render_to_string
from django.test import Client

from mutuality.web.accounts.forms import NhsSetPasswordForm

PASSWORD = "correct horse battery staple"
LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"


@pytest.fixture(autouse=True)
def _land_on_the_home_page(settings: Any) -> None:
    """After signing in, go to "/" (these tests do not need the dashboard)."""
    settings.LOGIN_REDIRECT_URL = "/"


@pytest.fixture
def user(db: None) -> Any:
    """A professional with a known password."""
    return get_user_model().objects.create_user(
        username="alex", password=PASSWORD, display_name="Alex Morgan"
    )


def test_login_page_shows_the_sign_in_form(client: Client, db: None) -> None:
    """GET /accounts/login/ is a 200 page titled "Sign in – Mutuality" with both fields."""
    response = client.get(LOGIN)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Sign in – Mutuality</title>" in html
    assert 'id="id_username"' in html
    assert 'id="id_password"' in html
    assert "nhsuk-error-summary" not in html


def test_wrong_password_shows_the_error_and_signs_nobody_in(client: Client, user: Any) -> None:
    """A wrong password re-shows the page with a plain message in the error summary; no session."""
    response = client.post(LOGIN, {"username": "alex", "password": "not it"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in – Mutuality</title>" in html
    assert "nhsuk-error-summary" in html
    assert (
        '<a href="#id_username">Enter a correct username and password. Both are case-sensitive.</a>'
        in html
    )
    assert SESSION_KEY not in client.session


def test_empty_fields_are_each_named_in_the_summary_and_beside_the_field(
    client: Client, db: None
) -> None:
    """Missing username and password each get a linked summary entry and a described field."""
    response = client.post(LOGIN, {"username": "", "password": ""})

    html = response.content.decode()
    assert '<a href="#id_username">Enter your username</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html
    assert 'aria-describedby="id_username_error"' in html
    assert 'id="id_username_error"' in html
    assert "nhsuk-form-group--error" in html
    assert "nhsuk-input--error" in html


def test_right_password_signs_in_and_redirects(client: Client, user: Any) -> None:
    """The right username and password start a session and redirect to LOGIN_REDIRECT_URL."""
    response = client.post(LOGIN, {"username": "alex", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(user.pk)


@pytest.mark.asvs("3.7.2")
def test_sign_in_goes_to_a_safe_next_page_but_not_another_site(client: Client, user: Any) -> None:
    """`next` on this site is followed; `next` pointing at another site is ignored."""
    here = client.post(f"{LOGIN}?next=/accounts/login/", {"username": "alex", "password": PASSWORD})
    client.logout()
    away = client.post(
        LOGIN, {"username": "alex", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert here["Location"] == "/accounts/login/"
    assert away["Location"] == "/"


@pytest.mark.asvs("7.4.4")
def test_signed_in_person_sees_who_they_are_and_the_sign_out_button(
    client: Client, user: Any
) -> None:
    """Once signed in, the header names the person and offers Sign out (a POST form)."""
    client.force_login(user)

    html = client.get(LOGIN).content.decode()

    assert "You are signed in as Alex Morgan." in html
    assert f'action="{LOGOUT}" method="post"' in html
    assert ">Sign out</button>" in html
    assert 'id="id_password"' not in html


@pytest.mark.asvs("3.5.3")
def test_logout_refuses_get(client: Client, user: Any) -> None:
    """GET /accounts/logout/ is 405 and leaves the person signed in."""
    client.force_login(user)

    response = client.get(LOGOUT)

    assert response.status_code == 405
    assert client.session[SESSION_KEY] == str(user.pk)


@pytest.mark.asvs("7.4.1")
def test_logout_by_post_ends_the_session_and_says_so(client: Client, user: Any) -> None:
    """POST /accounts/logout/ ends the session and shows "You have signed out." on the sign-in page."""
    client.force_login(user)

    response = client.post(LOGOUT, follow=True)

    assert response.redirect_chain == [(LOGIN, 302)]
    assert SESSION_KEY not in client.session
    assert "You have signed out." in response.content.decode()


@pytest.mark.asvs("3.5.1")
def test_every_page_sends_the_csrf_token_to_htmx(client: Client, db: None) -> None:
    """The body's data-hx-headers carries the CSRF token, so htmx requests pass Django's check."""
    response = client.get(LOGIN)

    assert '<body data-hx-headers=\'{"X-CSRFToken": "' in response.content.decode()


@pytest.mark.parametrize("form_class", [SetPasswordForm, NhsSetPasswordForm])
def test_set_password_template_shows_mismatched_passwords(form_class: Any, user: Any) -> None:
    """set_password.html works with Django's SetPasswordForm and ours, linking the error to its field."""
    form = form_class(user, {"new_password1": "a-long-enough-password", "new_password2": "other"})
    assert not form.is_valid()

    html = render_to_string("accounts/set_password.html", {"form": form})

    assert "<title>Error: Set your password – Mutuality</title>" in html
    assert '<a href="#id_new_password2">' in html
    assert 'id="id_new_password2_error"' in html
    assert "<strong>alex</strong>" in html


def test_our_set_password_form_speaks_plainly(user: Any) -> None:
    """NhsSetPasswordForm's mismatch message says what to do, and its fields carry NHS.UK classes."""
    form = NhsSetPasswordForm(
        user, {"new_password1": "a-long-enough-password", "new_password2": "x"}
    )

    form.is_valid()

    assert form.errors["new_password2"] == [
        "The two passwords are different. Type the same password in both boxes."
    ]
    assert "nhsuk-input--error" in str(form["new_password2"])
