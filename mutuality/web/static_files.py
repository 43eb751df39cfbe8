"""Headers of the static files WhiteNoise serves (settings.WHITENOISE_ADD_HEADERS_FUNCTION).

The app's pages get their Content-Security-Policy from django-csp, but WhiteNoise answers
static files before any of the app's middleware. A stylesheet, script or image needs no policy
to be used by a page; this one matters when a file is opened on its own (an SVG above all):
it may run nothing, load nothing but this site's images and styles, and be framed by no site
(ASVS v5 3.4.3, 3.4.6).
"""

from __future__ import annotations

from wsgiref.headers import Headers

STATIC_POLICY = (
    "default-src 'none'; img-src 'self'; style-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
)


def add_policy(headers: Headers, path: str, url: str) -> None:
    """Give every static file the policy above (WhiteNoise calls this once per file)."""
    headers["Content-Security-Policy"] = STATIC_POLICY
