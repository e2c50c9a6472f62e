"""Run wrk against a URL with a JSON POST body; parse throughput and latency percentiles."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


def wrk_post(
    url: str, body: dict[str, object], headers: dict[str, str], connections: int, seconds: int = 5
) -> LoadResult:
    """POST `body` to `url` for `seconds` over `connections` keep-alive connections."""
    script = f"wrk.method = 'POST'\nwrk.body = {json.dumps(body)!r}\n"
    for name, value in {**headers, "Content-Type": "application/json"}.items():
        script += f"wrk.headers[{name!r}] = {value!r}\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    threads = 1 if connections == 1 else 2
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            file.name,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    Path(file.name).unlink()
    return LoadResult(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=_latency(output, "50%"),
        p99_ms=_latency(output, "99%"),
        non_2xx=int(m.group(1))
        if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output))
        else 0,
    )


def _latency(output: str, percentile: str) -> float:
    found = re.search(rf"{re.escape(percentile)}\s+([\d.]+)(us|ms|s)\b", output)
    assert found, output
    return float(found.group(1)) * UNITS[found.group(2)]
