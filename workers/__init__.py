"""The worker process and pit's composition root: settings, logging, database, client."""
