"""An email backend that records each delivery durably: one line with the message's
Message-ID (made from its key), appended and fsynced before the send counts as accepted, as a
mail server's acceptance would be. The file is named by OUTBOX_DELIVERIES."""

from __future__ import annotations

import os
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        with open(os.environ["OUTBOX_DELIVERIES"], "a", encoding="ascii") as deliveries:
            for message in email_messages:
                deliveries.write(message.extra_headers["Message-ID"] + "\n")
                deliveries.flush()
                os.fsync(deliveries.fileno())
        return len(email_messages)
