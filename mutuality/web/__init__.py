"""The Django web application: persistence, accounts, pages. It calls the framework's assess().

The framework's words (finding messages, headlines, the vocabulary, spoken dates) are read
through Django's translation from here on, in the language the request turned on
(docs/architecture.md, "Other languages"). This runs when anything of the web is first
imported, before Django imports any model: model and form choices made at import read their
words through `lazy`, so each request still reads them in its own language."""

from django.utils.functional import lazy
from django.utils.translation import gettext

from mutuality.framework import use_translation

use_translation(gettext, lambda make: lazy(make, str)())
