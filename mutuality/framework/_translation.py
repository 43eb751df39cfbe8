"""The framework's words go through the translation the caller installs (`mutuality.translation`)."""

from mutuality.translation import (
    TranslatedWords,
    gettext_noop,
    translated,
    translated_later,
    use_translation,
)

__all__ = ["TranslatedWords", "gettext_noop", "translated", "translated_later", "use_translation"]
