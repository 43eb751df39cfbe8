"""Django's SQLite backend, making a new database file readable by its owner alone."""
