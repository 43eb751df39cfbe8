from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "mutuality.web.outbox"
    label = "outbox"
    verbose_name = "Messages"

    def ready(self) -> None:
        # Posting knows nothing of the engine; the engine asks to be told after each commit.
        from mutuality.web.outbox import posting, sending

        if sending.enqueue_sending not in posting.after_commit:
            posting.after_commit.append(sending.enqueue_sending)
