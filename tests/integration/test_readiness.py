"""/readyz fails while a view is far behind the log, and recovers when it catches up."""

from __future__ import annotations

import httpx

from services.bootstrap import build_grants_application, create_app
from services.settings import Settings
from tests.support import TOKENS, ServerThread, random_kvk, wait_until


def test_readyz_fails_while_the_view_lags(fresh_settings: Settings) -> None:
    settings = fresh_settings.model_copy(update={"ready_max_lag": 5})
    app = create_app(settings, TOKENS, roles=("projections",))
    with ServerThread(app) as server:
        assert httpx.get(f"{server.url}/readyz").status_code == 200
        projection = app.state.projection
        stuck = projection.process_batch
        projection.process_batch = lambda: 0  # as if the runner were stuck
        grants = build_grants_application(settings)
        for _ in range(8):
            grants.reference.register_organisation(
                random_kvk(), "Organisatie", "o@example.org", "test"
            )
        answer = httpx.get(f"{server.url}/readyz")
        assert answer.status_code == 503
        assert answer.json()["checks"]["views"]["access"]["lag"] == 8
        metrics = httpx.get(f"{server.url}/metrics").text
        assert 'toegang_view_lag_events{view="access"} 8.0' in metrics
        projection.process_batch = stuck
        projection.wake()
        wait_until(lambda: httpx.get(f"{server.url}/readyz").status_code == 200)
        grants.close()
