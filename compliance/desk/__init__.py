"""The review desk: a local web app over the operations layer (`compliance serve`).

    create_app(DeskSettings(out_dir=...))   the ASGI app uvicorn serves (desk/app.py)

app.py assembles the desk; what every route shares (the `Desk`, the signed-in user, `require`, the CSRF
check, the ledger handle, the as-of date) is in requests.py. Pages (pages.py), buttons (actions.py), files
(files.py, with page previews in previews.py and charts in charts.py), sessions and the sign-in throttle
(sessions.py), headers and body limits (security.py); templates/ and static/ beside them.
"""

from compliance.desk.app import create_app
from compliance.desk.requests import LOOPBACK_HOSTS, DeskSettings

__all__ = ["LOOPBACK_HOSTS", "DeskSettings", "create_app"]
