"""``parley alerts add|list|remove|log|check|deliver``: alert rules and the alert outbox.

Each handler opens the store (``--db``, else ``PARLEY_DB``, else the settings), loads the rules file
of the setting ``alerts.rules_file`` if one is set, calls the library and prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from parley.cli.store import _DB_HELP, _console, _open, _print_json, _settings, _table


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``parley alerts ...`` to the ``parley`` parser."""
    from parley.alerts.rules import KINDS

    group = sub.add_parser("alerts", help="alert rules, the alerts raised and their delivery",
                           description="alert rules, the alerts raised and their delivery")  # fmt: skip
    commands = group.add_subparsers(dest="alerts_command", metavar="COMMAND", required=True)

    def command(name: str, handler: Any, help: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help, description=help)
        parser.add_argument("--db", metavar="URL", help=_DB_HELP)
        parser.set_defaults(func=handler)
        return parser

    p = command("add", _add, "add a rule (or replace the one of its name), or load a rules file")
    p.add_argument("name", nargs="?", metavar="NAME", help="the rule's name (lower case, digits, - _ .)")
    p.add_argument("--file", metavar="FILE", help="load the rules of a TOML/YAML rules file instead")
    p.add_argument(
        "--kind", action="append", choices=KINDS, help="a kind of alert (repeatable; default: all)"
    )
    p.add_argument("--process", action="append", metavar="NAME", help="only this process (repeatable)")
    p.add_argument(
        "--party", action="append", metavar="ID", help="only alerts involving this party (repeatable)"
    )
    p.add_argument("--issue", action="append", metavar="ISSUE", help="only this issue (repeatable)")
    p.add_argument("--min-outlets", type=int, metavar="N", help="only facts reported by at least N outlets")
    p.add_argument(
        "--min-stories", type=int, metavar="N", help="... in at least N stories (wire copies once)"
    )
    p.add_argument("--min-named-sources", type=int, metavar="N", help="... by at least N named sources")
    p.add_argument("--source", action="append", metavar="ID", help="only facts one of whose sources is this"
                   " outlet or speaker (repeatable)")  # fmt: skip
    p.add_argument("--days-before", type=int, metavar="N", help="'deadline approaching' N days before")
    p.add_argument("--webhook", metavar="URL", help="POST each alert to this URL (signed JSON)")
    p.add_argument("--email", action="append", metavar="ADDRESS", help="e-mail each alert here (repeatable)")
    p.add_argument("--description", metavar="TEXT")

    p = command("list", _list, "the rules (the default set while none is configured)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("remove", _remove, "remove a rule")
    p.add_argument("name", metavar="NAME")

    p = command("log", _log, "the alerts raised, newest first, and where each was delivered")
    p.add_argument("--rule", metavar="NAME", help="only this rule's alerts")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    p.add_argument("--json", action="store_true", help="one JSON object per alert and line")

    p = command("check", _check, "raise the alerts of a day: deadlines approaching and passed")
    p.add_argument("--as-of", metavar="DATE", help="the day (default: setting alerts.clock, else today)")
    p.add_argument("--dry-run", action="store_true", help="show what fires that day without raising it")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("deliver", _deliver, "deliver the alerts due (webhooks, e-mail), retrying failed ones")
    p.add_argument("--allow-private", action="store_true", help="deliver to webhooks on private addresses")


def _opened(args: argparse.Namespace, *, reading: bool = False) -> tuple[Any, Any]:
    """The settings and the store, with the configured rules file loaded; ``reading``: the command
    only reads (a read-only SQLite file will do, when no rules file is to be loaded into it)."""
    from parley.alerts.rules import load_configured_rules

    settings = _settings(args)
    store = _open(args, settings, reading=reading and not settings.alerts.rules_file)
    try:
        load_configured_rules(store, settings)
    except BaseException:
        store.close()
        raise
    return settings, store


def _add(args: argparse.Namespace) -> int:
    from parley.alerts.rules import add_rule, load_rules_file, rule_from
    from parley.errors import AlertRuleError

    settings, store = _opened(args)
    with store:
        if args.file:
            rules = load_rules_file(store, args.file)
            print(f"{len(rules)} rules loaded from {args.file}: {', '.join(r.name for r in rules)}")
            return 0
        if not args.name:
            raise AlertRuleError("give the rule a NAME, or --file FILE", source="parley alerts add")
        raw = {"name": args.name, "kinds": args.kind, "processes": args.process, "parties": args.party,
               "issues": args.issue, "min_outlets": args.min_outlets, "min_stories": args.min_stories,
               "min_named_sources": args.min_named_sources, "sources": args.source,
               "days_before": args.days_before, "webhook": args.webhook, "email": args.email,
               "description": args.description}  # fmt: skip
        rule = rule_from({k: v for k, v in raw.items() if v is not None}, "parley alerts add")
        replaced = add_rule(store, rule, "cli")
    done = f"replaced (it came from {replaced})" if replaced else "stored"
    print(f"rule {rule.name} {done}: {json.dumps(rule.spec(), ensure_ascii=False)}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from parley.alerts.rules import default_rules

    _, store = _opened(args, reading=True)
    with store:
        rows = store.alert_rules()
    if not rows:
        rows = [{"name": r.name, "spec": r.spec(), "origin": "default"} for r in default_rules()]
    if args.json:
        _print_json([{"name": r["name"], "origin": r["origin"], **r["spec"]} for r in rows])
        return 0
    table = [[r["name"], r["origin"], ", ".join(r["spec"].get("kinds", ["all"])),
              json.dumps({k: v for k, v in r["spec"].items() if k not in ("name", "kinds")}, ensure_ascii=False)]
             for r in rows]  # fmt: skip
    _console().print(_table("Alert rules", ["name", "from", "kinds", "filters and delivery"], table))
    return 0


def _remove(args: argparse.Namespace) -> int:
    from parley.alerts.rules import remove_rule
    from parley.errors import NotFoundError

    _, store = _opened(args)
    with store:
        if not remove_rule(store, args.name):
            raise NotFoundError(f"no rule named {args.name!r}", source="parley alerts remove")
    print(f"rule {args.name} removed")
    return 0


def _log(args: argparse.Namespace) -> int:
    from parley.alerts.outbox import log

    settings, store = _opened(args, reading=True)
    with store:
        entries = log(store, rule=args.rule, limit=args.limit, base_url=settings.alerts.base_url)
    if args.json:
        for item in entries:
            sys.stdout.write(json.dumps(item, ensure_ascii=False, default=str) + "\n")
        return 0
    rows = [[e["id"], e["fired_at"], e["rule"], e["kind"], e["process"], e["title"],
             "; ".join(f"{d['channel']} {d['target']}: {d['status']}" for d in e["deliveries"]) or "feed and page"]
            for e in entries]  # fmt: skip
    _console().print(_table("Alerts", ["id", "fired", "rule", "kind", "process", "what", "delivered"], rows))
    return 0


def _check(args: argparse.Namespace) -> int:
    from parley.alerts.derive import check, clock_day

    settings, store = _opened(args, reading=args.dry_run)
    with store:
        found = check(store, args.as_of, settings, dry_run=args.dry_run)
    day = clock_day(settings, args.as_of)
    items = found if args.dry_run else [{"key": r.key, "rule": r.rule, "kind": r.kind, "process": r.process,
                                          "title": r.title, "payload": r.payload} for r in found]  # fmt: skip
    if args.json:
        _print_json({"as_of": day, "dry_run": args.dry_run, "alerts": items})
        return 0
    verb = "would fire" if args.dry_run else "raised"
    print(f"{len(items)} alerts {verb} on {day}", file=sys.stderr)
    for item in items:
        print(f"{item['rule']:16} {item['kind']:22} {item['process']:10} {item['title']}")
    return 0


def _deliver(args: argparse.Namespace) -> int:
    from parley.alerts.deliver import deliver_due

    settings, store = _opened(args)
    with store:
        report = deliver_due(store, settings, allow_private=args.allow_private or None)
    print(
        f"{report.delivered} delivered, {report.retrying} to retry, {report.dead} dead-lettered",
        file=sys.stderr,
    )
    return 1 if report.dead else 0
