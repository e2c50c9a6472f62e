"""The decision log's overhead: check throughput over HTTP with the log off and with `all`.

    python -m bench.decision_log [--grants 100] [--seconds 3] [--rounds 4] [--connections 16]
                                 [--control]

Prepares a SQLite store (one platform, `--grants` confirmed grants), starts two
`toegang serve projections` on it, one with `TOEGANG_DECISION_LOG=off` and one with `all`
(file sink), and loads them with wrk in turns, `--rounds` times each after a warm-up:
requests/s of each and the ratio of the logged run to the off run measured in the same run
(the median of the rounds' ratios, each round's two loads back to back, so that a machine
busy with other work shifts both), and the server's CPU time per check (from /proc, which
other load on the machine does not inflate); then the records the file holds and the
decisions the logged service dropped. With `--control` both services run with the log off:
the ratio the machine's noise alone gives.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import tempfile
from pathlib import Path

import httpx

from bench.check_endpoint import READER, TOEGANG, prepare, serve
from bench.load import wrk_post
from services.settings import Settings
from tests.support import TOKENS, free_port


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grants", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--control",
        action="store_true",
        help="run the second service with the log off too: the ratio the noise alone gives",
    )
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="toegang-bench-"))
    world, body = prepare(Settings(data_dir=data), args.grants)
    env = {**os.environ, "TOEGANG_DATA_DIR": str(data), "TOEGANG_API_TOKENS": json.dumps(TOKENS)}
    path = f"/v1/platforms/{world.platform}/access/check"
    ports = {"off": free_port(), "all": free_port()}
    logged = data / "decisions.jsonl"
    servers = {
        mode: serve(
            [*TOEGANG, "projections"],
            port,
            {**env, "TOEGANG_DECISION_LOG": "off" if args.control else mode},
        )
        for mode, port in ports.items()
    }
    try:
        rates = load(ports, {mode: s.pid for mode, s in servers.items()}, path, body, args)
        dropped = re.findall(
            r"^toegang_decisions_dropped_total\{.*\} ([\d.e+]+)$",
            httpx.get(f"http://127.0.0.1:{ports['all']}/metrics").text,
            re.M,
        )
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=30)
    report(args, rates, logged, sum(float(d) for d in dropped))


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(
    ports: dict[str, int],
    pids: dict[str, int],
    path: str,
    body: dict[str, object],
    args: argparse.Namespace,
) -> dict[str, list[float]]:
    """Requests/s and CPU µs per request of each service, `rounds` turns each, after a
    warm-up of both (keys `off`, `all`, `off cpu`, `all cpu`)."""
    urls = {mode: f"http://127.0.0.1:{port}{path}" for mode, port in ports.items()}
    for url in urls.values():
        assert httpx.post(url, json=body, headers=READER).json()["allowed"] is True
        wrk_post(url, body, READER, args.connections, 2)
    rates: dict[str, list[float]] = {key: [] for mode in urls for key in (mode, f"{mode} cpu")}
    for _ in range(args.rounds):
        for mode, url in urls.items():
            before = cpu_seconds(pids[mode])
            result = wrk_post(url, body, READER, args.connections, args.seconds)
            used = cpu_seconds(pids[mode]) - before
            assert result.non_2xx == 0
            rates[mode].append(result.requests_per_second)
            rates[f"{mode} cpu"].append(used * 1e6 / (result.requests_per_second * args.seconds))
    return rates


def report(
    args: argparse.Namespace, rates: dict[str, list[float]], logged: Path, dropped: float
) -> None:
    off, on = (statistics.median(rates[mode]) for mode in ("off", "all"))
    ratio = statistics.median(a / o for a, o in zip(rates["all"], rates["off"], strict=True))
    cpu_off, cpu_on = (statistics.median(rates[f"{mode} cpu"]) for mode in ("off", "all"))
    print(
        f"access check, {args.grants} grants, {args.connections} connections, "
        f"{args.rounds} rounds of {args.seconds} s each, in turns (medians)"
    )
    print(f"{'decision log':>14} {'req/s':>10} {'ratio':>6} {'CPU µs/check':>13} {'ratio':>6}")
    print(f"{'off':>14} {off:>10,.0f} {1:>6.2f} {cpu_off:>13,.0f} {1:>6.2f}")
    second = "off (control)" if args.control else "all (file)"
    print(f"{second:>14} {on:>10,.0f} {ratio:>6.2f} {cpu_on:>13,.0f} {cpu_on / cpu_off:>6.2f}")
    records = logged.read_bytes().count(b"\n") if logged.exists() else 0
    print(f"records in the file: {records:,}, dropped: {dropped:,.0f}")


if __name__ == "__main__":
    main()
