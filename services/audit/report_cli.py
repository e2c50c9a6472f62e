"""`toegang audit report`: its options and the command that writes the HTML report.

Exit codes: 0 written, 2 bad input, an unreachable store, or an organisation the store does
not know (never registered, no event concerns it): then one line names it and nothing is
written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services import messages
from services.audit import arguments
from services.audit.report_data import UnknownOrganisation, report_html
from services.audit.report_time import PLATFORM_ZONE, zone
from services.audit.service import open_audit
from services.settings import Settings


def add_report_options(report: argparse.ArgumentParser) -> None:
    """The options of `toegang audit report`."""
    report.add_argument(
        "--organisation",
        required=True,
        type=arguments.organisation,
        metavar="REF",
        help="the organisation the report is about: kvk:… or kbo:…",
    )
    report.add_argument(
        "--platform",
        type=arguments.platform,
        metavar="SLUG",
        help="only this platform (default: one section per platform)",
    )
    report.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="the HTML file to write"
    )
    report.add_argument(
        "--lang",
        choices=messages.LANGUAGES,
        help="language of the report (default: the platform's locale, else TOEGANG_LOCALE)",
    )
    report.add_argument(
        "--timezone",
        default=PLATFORM_ZONE,
        metavar="ZONE",
        help="time zone the report's times are shown in (default: %(default)s)",
    )


def report_command(settings: Settings, args: argparse.Namespace) -> int:
    """Write the HTML report of one organisation; an unknown one: one line, exit 2."""
    organisation, platform = args.organisation, args.platform  # checked by the parser
    zone(args.timezone)  # an unknown zone fails before the store is read
    texts = messages.report_texts(args.lang or settings.locale)
    audit = open_audit(settings, catch_up=True)
    try:
        html = report_html(
            audit,
            organisation,
            platform,
            language=args.lang,
            fallback_language=settings.locale,
            time_zone=args.timezone,
        )
    except UnknownOrganisation:
        print(f"toegang: {texts['unknown_organisation'].format(organisation=organisation)}",
              file=sys.stderr)  # fmt: skip
        return 2
    finally:
        audit.close()
        audit.log.close()
    args.out.write_text(html, encoding="utf-8")
    print(texts["written"].format(organisation=organisation, out=args.out))
    return 0
