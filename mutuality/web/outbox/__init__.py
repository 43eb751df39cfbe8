"""Messages that reach people: email written to an outbox in the same transaction as the change
that causes it, then sent by a background task (docs/messages.md)."""
