"""Point-in-time audit queries and hash-chain verification against raw PostgreSQL, same run.

    python -m bench.audit [--events 10000] [--requests 2000] [--repeats 5] [--seed 7] [--keep]
        [--database-url postgresql://postgres@127.0.0.1:5432/toegang_bench_audit]

Fills a fresh PostgreSQL database with the history of one organisation (`ORGANISATION`) of
about `--events` events, simulated over the past three years: advisors requested as grantees,
confirmed (or left to expire, or withdrawn while pending), their rights changed between view
and edit, revoked and requested again; and, on the same platform (it accepts eHerkenning and
credentials), the organisation's user fiches created by its master user, activated, replaced
(view and edit), revoked or expired at their end date. Unrelated organisations add about
two fifths as many events as noise, on that platform and on another. Then:

1. catches up the audit projection (`open_audit(settings, catch_up=True)`) and counts the
   organisation's access intervals;
2. times `--requests` point-in-time queries for the organisation at random instants of its
   history, four ways taking turns at each instant: the interval SELECT with psycopg directly
   (the floor), `AuditService.access_at` in this process, and over HTTP (httpx, keep-alive)
   a bare FastAPI endpoint taking the same query and `GET /v1/audit/access` of
   `create_app(settings, tokens, roles=("projections",))`, both served by uvicorn in a process
   of their own with the same settings. Prints p50, p95, p99 and mean, the ratios, and the
   p99 target (< 50 ms);
3. times `ChainVerifier.verify()` over the whole log against a raw psycopg read of the same
   rows in the same batches, and that read with the SHA-256 links computed (best of
   `--repeats`, taking turns). Prints the rates and the ratios.

The database is dropped at the end unless `--keep`.
"""
