"""The SIGKILL loop against the embedded process (SQLite, mail over SMTP to a real aiosmtpd
sink) while a load requests, confirms and revokes grants: what survives, and how many mails
went out twice.

    python -m bench.kill_loop [--kills 35]

Prints kills, acknowledged commands, lost (must be 0), mails expected, duplicates (a second
copy under the same Message-ID) and the duplicate rate. Exits 1 when anything acknowledged was
lost, the views differ from a replay, `toegang audit verify` fails, a mail is missing, or a
repeat carries another Message-ID. The same loop runs in CI with 3 kills
(tests/faults/test_sigkill.py).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from tests.faults.broker import GatedSink
from tests.faults.test_sigkill import KillReport, embedded_kill_loop


def run(kills: int) -> KillReport:
    """One kill loop in a temporary data dir, with its own SMTP sink."""
    sink = GatedSink()
    sink.start()
    try:
        return embedded_kill_loop(Path(tempfile.mkdtemp(prefix="toegang-kill-")), sink, kills)
    finally:
        sink.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=35)
    args = parser.parse_args()
    report = run(args.kills)
    mail = report.mail
    print(f"SIGKILL loop against the embedded process ({report.seconds:.0f} s)")
    print(f"  kills:            {report.kills}")
    print(f"  acknowledged:     {report.acknowledged} commands")
    print(f"  lost:             {len(report.lost)}")
    for problem in report.lost[:10]:
        print(f"    {problem}")
    print(f"  views:            {'equal a replay' if report.views is None else report.views}")
    print(f"  audit verify:     {'exit 0' if report.audit is None else report.audit}")
    print(f"  mails expected:   {mail.expected} (missing {mail.missing})")
    print(f"  duplicates:       {mail.duplicates} (same Message-ID); other strays {mail.strays}")
    print(
        f"  duplicate rate:   {mail.duplicates / max(report.kills, 1):.2f} per kill, "
        f"{mail.duplicates / max(mail.expected, 1):.3%} of mails"
    )
    ok = not (report.lost or report.views or report.audit or mail.missing or mail.strays)
    print(
        json.dumps({"kills": report.kills, "lost": len(report.lost), "duplicates": mail.duplicates})
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
