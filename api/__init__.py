"""pit's people-facing side: accounts and roles, and the JSON API (``api.app.create_app``) on
them; the console will build on both.

Nothing runs on import: ``api.server.serve_api`` opens the pools the app uses
(``api.services.open_api_services``) and closes them when it stops.
"""
