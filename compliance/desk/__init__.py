"""The review desk: a local web app over the operations layer (`compliance serve`).

    create_app(DeskSettings(out_dir=...))   the ASGI app uvicorn serves (desk/app.py)

Pages (pages.py), buttons (actions.py), files and charts (files.py, charts.py), sessions and the sign-in
throttle (sessions.py), headers and body limits (security.py); templates/ and static/ beside them.
"""

from compliance.desk.app import DeskSettings, create_app

__all__ = ["DeskSettings", "create_app"]
