"""Settings for the worker processes of tests/integration/test_outbox_worker_killed.py: the
app's own (database, task backend and Redis from the environment the test gives them), with
every delivery recorded durably and short leases, so a killed sender's rows come back soon."""

from mutuality.web.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.integration.outbox_recording.RecordingBackend"
OUTBOX_LEASE_SECONDS = 2
# Each task hands on to a fresh one after a few seconds, as a long outbox does in production.
OUTBOX_TASK_SECONDS = 5
