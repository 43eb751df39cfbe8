"""The client's address: the connection's, or behind trusted proxies the one they report."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from mutuality.web.client_ip import client_ip

FORWARDED = "6.6.6.6, 203.0.113.7, 10.0.0.2"  # sent by the client, then added by two proxies


@pytest.mark.asvs("4.1.3", "15.3.4")
@pytest.mark.parametrize(
    ("proxies", "expected"),
    [(0, "10.0.0.1"), (1, "10.0.0.2"), (2, "203.0.113.7"), (4, "10.0.0.1")],
)
def test_the_client_is_counted_from_the_right_of_x_forwarded_for(
    settings: Any, proxies: int, expected: str
) -> None:
    """With N trusted proxies the client is the N-th address from the right; with none, or
    fewer addresses than proxies, it is the connection's own."""
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=FORWARDED)

    assert client_ip(request) == expected


@pytest.mark.asvs("4.1.3", "15.3.4")
def test_an_address_the_client_wrote_itself_is_never_believed(settings: Any) -> None:
    """Behind one proxy, a forged X-Forwarded-For entry to the left is ignored."""
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="127.0.0.1, 198.51.100.4"
    )

    assert client_ip(request) == "198.51.100.4"
