"""Run the console over the fake façade (development only, not shipped).

    .venv/bin/python tests/tui/demo.py            # fresh start with Welcome
    .venv/bin/python tests/tui/demo.py fileprint  # preselect File server
In the demo, F9 makes the fake source fail (to see the failover prompt).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2]))

from tests.tui.tui_fake_api import FakeApi  # noqa: E402
from tests.tui.tui_fake_estate import FakeSettings  # noqa: E402
from tui.app import AppmgrApp  # noqa: E402


def main() -> None:
    api = FakeApi()
    api._settings = FakeSettings(refresh_auto=True, refresh_interval=5,
                                 always_show_details=True)
    from tests.tui.tui_fake_dashboard import estate  # the Dashboard (b) shows four pairs

    api.estate = estate()
    # the fake is every service at once, not an instance of each service class
    app = AppmgrApp(api,  # type: ignore[arg-type]
                    preselect_app=sys.argv[1] if len(sys.argv) > 1 else None)
    app.bind("f9", "fail_source", description="Fail source", show=False)
    app.action_fail_source = api.fail_source  # type: ignore[attr-defined]
    app.run()


if __name__ == "__main__":
    main()
