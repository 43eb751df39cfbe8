"""What a person types into a list's search box, kept in their session instead of the address
(ASVS 14.2.1, docs/security.md "What goes in an address").

Words typed to find a relationship or a person (a title, a name) are personal data, and an
address is kept where the app cannot reach: the browser's history, a proxy's log. So a list's
free-text boxes are posted (with the CSRF token), kept in the session under a key of that list's
own, and the page redirects to the list's plain address, which reads them back from there. A
list's filters that are codes from a fixed list (a stage, a date, a page number) say nothing
about anyone and stay in the address, so the pages of a filtered list can still be linked.

The session is the person's own and ends when they sign out: nobody else sees their search.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpRequest, QueryDict


def _key(list_name: str) -> str:
    return f"search:{list_name}"


def kept(request: HttpRequest, list_name: str) -> dict[str, str]:
    """The search this person last posted on this list (empty when none)."""
    stored = request.session.get(_key(list_name))
    if not isinstance(stored, dict):
        return {}
    return {name: value for name, value in stored.items() if isinstance(value, str)}


def keep(request: HttpRequest, list_name: str, typed: dict[str, str]) -> None:
    """Keep the words typed into this list's boxes; none at all forgets the list's search."""
    words = {name: value for name, value in typed.items() if value}
    if words:
        request.session[_key(list_name)] = words
    else:
        request.session.pop(_key(list_name), None)


def asked(request: HttpRequest, list_name: str, codes: Iterable[str]) -> QueryDict | None:
    """The list's filters as a form's data: the codes from the address and the words from the
    session. Free text in the address (an old bookmark's) is never read. None: nothing asked."""
    data = QueryDict(mutable=True)
    for name in codes:
        if name in request.GET:
            data.setlist(name, request.GET.getlist(name))
    for name, value in kept(request, list_name).items():
        data[name] = value
    return data or None


def codes_query(data: Mapping[str, Any] | None, codes: Iterable[str]) -> str:
    """The query string of a list's code filters given in `data` (never its free text), for
    its address after a search and for the links to its other pages."""
    query = QueryDict(mutable=True)
    if data is not None:
        for name in codes:
            value = data.get(name)
            if value:
                query[name] = value
    return query.urlencode()
