"""Grant requests to one advisor as its number of clients grows, sequential and concurrent.

    python -m bench.grant_requests [--sizes 10,1000,10000] [--sample 100] [--database-url URL]

On a fresh store (SQLite, the embedded default, or the PostgreSQL of `--database-url`) one
advisor receives grant requests from new employers until it has each size of clients; at each
size `--sample` more requests are timed one by one (median, p99), then 16 threads send
4 × `--sample` requests for different employers (requests/s, how many were refused). The
baseline is the same measurement at the smallest size, printed as a ratio.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from services.bootstrap import build_grants_application
from services.bootstrap.application import ToegangApplication
from services.settings import Settings
from tests.support import World, actor, platform_settings


class Employers:
    """Fresh registered, covered employers, numbered."""

    def __init__(self, app: ToegangApplication, world: World) -> None:
        self.app, self.world, self.count = app, world, 0

    def new(self) -> str:
        self.count += 1
        employer = f"kvk:{20_000_000 + self.count:08d}"
        self.app.reference.register_organisation(employer, "Werkgever", "w@example.org", "bench")
        self.app.reference.register_contract(
            self.world.platform, f"C{self.count}", employer, [], "C", "b"
        )
        return employer


def request(app: ToegangApplication, world: World, employer: str) -> float:
    started = time.perf_counter()
    app.grants.request_grant(world.platform, employer, world.advisor, "view", actor(employer))
    return time.perf_counter() - started


def concurrent(app: ToegangApplication, world: World, employers: list[str]) -> tuple[float, int]:
    """Requests/s of 16 threads and how many requests were refused."""

    def one(employer: str) -> bool:
        try:
            request(app, world, employer)
        except Exception:  # noqa: BLE001 - a refusal is what we count
            return False
        return True

    started = time.perf_counter()
    with ThreadPoolExecutor(16) as pool:
        done = list(pool.map(one, employers))
    return len(employers) / (time.perf_counter() - started), done.count(False)


def measure(sizes: str, sample: int, database_url: str | None) -> None:
    """Print the latency and concurrency figures for one advisor at each of `sizes` clients."""
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(data_dir=Path(data), database_url=database_url)
        app = build_grants_application(settings)
        world = World()
        app.reference.configure_platform(world.platform, platform_settings(), "bench")
        app.reference.register_organisation(world.advisor, "Adviseur", "a@example.org", "bench")
        app.reference.register_advisor(world.platform, world.advisor, "AFM-1", "bench")
        employers, clients, baseline = Employers(app, world), 0, None
        print(f"store: {'postgres' if database_url else 'sqlite'}")
        print("clients  median_ms  p99_ms  ratio  concurrent_req/s  refused")
        for size in (int(size) for size in sizes.split(",")):
            while clients < size:
                request(app, world, employers.new())
                clients += 1
            timings = sorted(request(app, world, employers.new()) for _ in range(sample))
            fresh = [employers.new() for _ in range(sample * 4)]
            rate, refused = concurrent(app, world, fresh)
            clients += sample + len(fresh)
            median = statistics.median(timings) * 1000
            p99 = timings[int(len(timings) * 0.99) - 1] * 1000
            baseline = baseline or median
            print(
                f"{size:>7}  {median:9.2f}  {p99:6.2f}  {median / baseline:5.2f}"
                f"  {rate:16.0f}  {refused}/{len(fresh)}"
            )
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,1000,10000")
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    measure(args.sizes, args.sample, args.database_url)


if __name__ == "__main__":
    main()
