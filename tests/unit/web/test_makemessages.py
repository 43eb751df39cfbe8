"""makemessages gathers the strings marked in templates and Python into a catalogue, so
translators get every one (it runs GNU gettext's xgettext)."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.test import override_settings


def test_makemessages_gathers_marked_strings_from_templates_and_python(tmp_path: Path) -> None:
    """A Welsh catalogue made from the project holds strings of base.html, of a template's
    blocktranslate with a link, of a form's label in Python, of the cores and of the API's documentation."""
    # Arrange
    catalogue = tmp_path / "cy" / "LC_MESSAGES" / "django.po"

    # Act
    with override_settings(LOCALE_PATHS=[tmp_path]):
        call_command("makemessages", locale=["cy"], verbosity=0)

    # Assert
    text = catalogue.read_text(encoding="utf-8")
    assert 'msgid "Skip to main content"' in text
    assert '"If you have forgotten your password, <a href=\\"%(reset)s\\">get an email to "' in text
    assert 'msgid "Email me when"' in text
    # The cores' words, marked with gettext_noop where they are written (mutuality.translation).
    assert 'msgid "Go ahead, with safeguards"' in text
    assert 'msgid "%(day)s %(month)s %(year)s"' in text
    assert 'msgid "Licence: %(licence)s"' in text
    # The API's words, English in its OpenAPI document and marked for its documentation page.
    assert 'msgid "The relationships you can see"' in text
    assert "node_modules" not in text
