"""The Django web application: persistence, accounts, pages. It calls the framework's assess()."""
