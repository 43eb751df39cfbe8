"""An organisation's own pages, for its admins: its people, who supervises and reviews each
relationship, and its settings (ADR 0012). Access is decided in `mutuality/web/access.py`."""
