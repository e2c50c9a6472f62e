"""Printing the figures of each stage."""

from __future__ import annotations

from dataclasses import astuple

from bench.audit.common import ORGANISATION, PORTAL
from bench.audit.fill import Filled
from bench.audit.latency import Latency
from services.audit.verify import BATCH


def report_fill(filled: Filled, seconds: float) -> None:
    print(
        f"filled {filled.head:,} events ({filled.ours:,} about {ORGANISATION}, {filled.noise:,} "
        f"other) in {seconds:.1f} s; history "
        f"{filled.first:%Y-%m-%d} .. {filled.last:%Y-%m-%d}"
    )


def report_catch_up(head: int, caught: float, counts: dict[str, int]) -> None:
    print(
        f"audit catch-up: {head:,} events in {caught:.1f} s "
        f"({head / caught:,.0f} events/s); {ORGANISATION}: {counts['history']:,} events "
        f"in its history, {counts.get('grant', 0) + counts.get('user', 0):,} intervals on "
        f"{PORTAL} ({counts.get('grant', 0):,} grant, {counts.get('user', 0):,} user); "
        f"{counts['everyone']:,} intervals in all"
    )


def report_latency(requests: int, rows: float, latency: dict[str, Latency]) -> None:
    raw, service, bare, ours = (latency[n] for n in ("raw", "service", "bare", "audit"))
    print(
        f"point-in-time access of {ORGANISATION} on {PORTAL}: {requests:,} sequential queries "
        f"each way at random instants of its history (taking turns), {rows:.1f} rows per answer"
    )
    print(f"  {'':<40} {'p50':>8} {'p95':>8} {'p99':>8} {'mean':>8}")
    lines = (
        ("raw psycopg SELECT (same WHERE)", raw),
        ("AuditService.access_at (in process)", service),
        ("bare FastAPI GET (uvicorn, httpx)", bare),
        ("GET /v1/audit/access (uvicorn, httpx)", ours),
    )
    for label, figures in lines:
        print(
            f"  {label:<40} {figures.p50:>6.2f}ms {figures.p95:>6.2f}ms {figures.p99:>6.2f}ms "
            f"{figures.mean:>6.2f}ms"
        )
    report_ratios(raw, service, bare, ours)


def report_ratios(raw: Latency, service: Latency, bare: Latency, ours: Latency) -> None:
    ratios = (
        ("ratio GET / bare FastAPI GET", ours, bare),
        ("ratio GET / raw SELECT", ours, raw),
        ("ratio access_at (in process) / raw SELECT", service, raw),
    )
    for label, top, base in ratios:
        times = " ".join(
            f"{t / b:>7.2f}x" for t, b in zip(astuple(top), astuple(base), strict=True)
        )
        print(f"  {label:<40} {times}")
    verdict = "met" if ours.p99 < 50 else "MISSED"
    print(f"  target p99 < 50 ms: {verdict} ({ours.p99:.2f} ms)")


def report_verify(head: int, repeats: int, rates: dict[str, float]) -> None:
    print(
        f"hash-chain verification of the whole log ({head:,} events, batches of {BATCH:,}, "
        f"best of {repeats}, taking turns) vs raw psycopg read of the same rows"
    )
    print(f"  raw SELECT ... ORDER BY notification_id: {rates['raw']:>10,.0f} events/s")
    print(f"  raw read + SHA-256 links in Python:     {rates['hashed']:>10,.0f} events/s")
    print(f"  ChainVerifier.verify():                  {rates['verify']:>10,.0f} events/s")
    print(f"  ratio verify / raw read:                 {rates['verify'] / rates['raw']:>10.2f}")
    print(f"  ratio verify / raw read + links:         {rates['verify'] / rates['hashed']:>10.2f}")
