"""The JSON API under /api/v1/ (ADR 0018): person-scoped tokens, OpenAPI from the code."""
