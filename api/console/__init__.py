"""The web console (issue 4, §2): server-rendered pages for participants, staff and auditors,
in Russian and English, mounted at ``/`` beside the JSON API (which keeps ``/api``).

``install_console(app)`` adds its routes, its static files (``/static``) and the handlers that
answer its refusals with pages rather than JSON.
"""

from api.console.routes import install_console

__all__ = ["install_console"]
