"""Delivering alerts from the outbox: webhooks (signed JSON POST) and e-mail (SMTP).

Each alert of a rule with a webhook or e-mail addresses has one delivery row per target, written
with the alert. ``deliver_due`` sends the pending ones whose time has come:

1. it *claims* a delivery (one statement: attempts + 1, next try after a lease), so that two
   deliverers never send it at once and a crash in the middle counts as an attempt;
2. it sends, carrying an idempotency key (the alert's key): the webhook's ``Idempotency-Key``
   header, the e-mail's ``Message-ID``; a crash after sending and before step 3 sends it again
   after the lease, and the receiver knows it by that key — exactly once, as the receiver counts;
3. it records the outcome: delivered, or pending again after a back-off (``alerts.retry_seconds``
   doubled after each failure), or dead-lettered after ``alerts.max_attempts`` attempts
   (``parley alerts log`` shows them, with the last error).

A webhook body is the alert as ``parley alerts log --json`` prints it (without its deliveries),
signed with HMAC-SHA256 over ``TIMESTAMP.BODY`` with the secret of ``PARLEY_WEBHOOK_SECRET`` (or the
file of ``alerts.webhook_secret_file``): headers ``X-Parley-Timestamp`` and
``X-Parley-Signature: sha256=HEX``. Webhook URLs go through the SSRF guard (``fetch.allow_private``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

import httpx

from parley.alerts.outbox import entry
from parley.errors import DeliveryError, FetchError, SettingsError
from parley.files import read_text
from parley.ingest.fetch import new_client, post
from parley.settings import Settings, load_settings
from parley.store import Store

SIGNATURE_HEADER = "X-Parley-Signature"
TIMESTAMP_HEADER = "X-Parley-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"


@dataclass
class DeliveryReport:
    """What one ``deliver_due`` call did."""

    delivered: int = 0
    retrying: int = 0
    dead: int = 0


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _secret(env: str, path: str, setting: str) -> str | None:
    """A secret from the environment variable ``env``, else from the file ``path`` (a setting)."""
    value = os.environ.get(env, "").strip()
    if value or not path:
        return value or None
    try:
        return read_text(Path(path).expanduser()).strip() or None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror.lower() if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SettingsError(f"cannot read the secret file {path!r}: {reason}", source=setting) from None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value of a webhook body: ``sha256=`` HMAC-SHA256 of ``TIMESTAMP.BODY``."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def message_id(key: str, address: str) -> str:
    """The e-mail Message-ID of an alert sent to an address: the same whenever it is sent again."""
    return f"<{hashlib.sha256(f'{key}|{address}'.encode()).hexdigest()[:40]}@parley.alerts>"


class Deliverer:
    """Sends alerts; holds one HTTP client for webhooks. Close it after use."""

    def __init__(self, settings: Settings, allow_private: bool | None = None) -> None:
        self.settings = settings
        self.allow_private = settings.fetch.allow_private if allow_private is None else allow_private
        self._client: httpx.Client | None = None

    def close(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            self._client.close()

    def send(self, row: dict[str, Any]) -> None:
        """Deliver one due delivery (a ``store.due_deliveries`` row); ``DeliveryError`` when it fails."""
        alert = entry(row, self.settings.alerts.base_url, deliveries=False)
        if row["channel"] == "webhook":
            self.webhook(row["target"], alert)
        elif row["channel"] == "email":
            self.email(row["target"], alert)
        else:
            raise DeliveryError(f"unknown delivery channel {row['channel']!r}", source=row["key"])

    def webhook(self, url: str, alert: dict[str, Any]) -> None:
        """POST the alert as JSON, signed; any answer but 2xx is a failure."""
        body = json.dumps(alert, ensure_ascii=False, sort_keys=True).encode("utf-8")
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", IDEMPOTENCY_HEADER: alert["key"], TIMESTAMP_HEADER: timestamp,
                   "User-Agent": self.settings.fetch.user_agent}  # fmt: skip
        secret = _secret("PARLEY_WEBHOOK_SECRET", self.settings.alerts.webhook_secret_file,
                         "alerts.webhook_secret_file")  # fmt: skip
        if secret:
            headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
        if self._client is None:
            self._client = new_client(self.settings)
        try:
            status = post(url, body, headers, self.settings, self.allow_private,
                          timeout=self.settings.alerts.webhook_timeout, client=self._client)  # fmt: skip
        except FetchError as err:
            raise DeliveryError(err.message, source=url) from None
        if not 200 <= status < 300:
            raise DeliveryError(f"the receiver answered HTTP {status}", source=url)

    def email(self, address: str, alert: dict[str, Any]) -> None:
        """Send the alert to ``address`` through the SMTP server of the settings."""
        config = self.settings.alerts
        if not config.smtp_host:
            raise DeliveryError("no SMTP server configured (setting alerts.smtp_host)", source=address)
        message = EmailMessage()
        message["From"] = config.smtp_from
        message["To"] = address
        message["Subject"] = f"[parley] {alert['title']}"
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = message_id(alert["key"], address)
        message["X-Parley-Alert"] = alert["key"]
        message.set_content(email_text(alert))
        message.add_attachment(json.dumps(alert, ensure_ascii=False, indent=2).encode("utf-8"),
                               maintype="application", subtype="json", filename="alert.json")  # fmt: skip
        password = _secret("PARLEY_SMTP_PASSWORD", config.smtp_password_file, "alerts.smtp_password_file")
        context = _tls_context(config.smtp_ca_file) if config.smtp_security != "none" else None
        try:
            if config.smtp_security == "ssl":
                server: smtplib.SMTP = smtplib.SMTP_SSL(config.smtp_host, config.smtp_port,
                                                        timeout=config.smtp_timeout, context=context)  # fmt: skip
            else:
                server = smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=config.smtp_timeout)
            with server:
                if config.smtp_security == "starttls":
                    server.starttls(context=context)
                if config.smtp_user:
                    server.login(config.smtp_user, password or "")
                server.send_message(message)
        except (smtplib.SMTPException, OSError) as err:
            reason = " ".join(str(err).split()) or type(err).__name__
            raise DeliveryError(
                f"SMTP {config.smtp_host}:{config.smtp_port}: {reason}", source=address
            ) from None


def _tls_context(ca_file: str) -> ssl.SSLContext:
    """What an SMTP server's certificate is checked against: the certificate authorities of the
    file of ``alerts.smtp_ca_file``, else the system's."""
    if not ca_file:
        return ssl.create_default_context()
    try:
        return ssl.create_default_context(cafile=str(Path(ca_file).expanduser()))
    except (OSError, ssl.SSLError) as err:
        reason = " ".join(str(err).split()) or type(err).__name__
        raise SettingsError(f"cannot read certificate authorities from it: {reason}",
                            source=f"alerts.smtp_ca_file = {ca_file}") from None  # fmt: skip


def email_text(alert: dict[str, Any]) -> str:
    """The plain-text body of an alert e-mail: what happened, the fact, the sources with their links."""
    lines = [alert["title"], "", f"Process: {alert['process']}   Rule: {alert['rule']}   Day: {alert['day']}"]
    for label, fact in (("Fact", alert["fact"]), ("Red line", alert["red_line"])):
        if fact:
            counts = fact["corroboration"]
            lines += ["", f"{label}: {fact['text']}",
                      f"  {fact['kind'].rstrip('s')} · {fact['party']} · {fact['issue']} · {fact['status']} · "
                      f"{counts['outlets']} outlets, {counts['named_sources']} named and "
                      f"{counts['anonymous_sources']} anonymous sources", f"  {fact['link']}"]  # fmt: skip
    if alert["sources"]:
        lines += ["", "Sources:"]
        for source in alert["sources"]:
            who = source["speaker"] or "the outlet"
            lines += [f"- {source['outlet'] or 'unknown outlet'}, {who} ({source['source_type']}), {source['seen']}:",
                      f"  \"{source['sentence']}\"", f"  {source['link']}"]  # fmt: skip
    return "\n".join(lines) + "\n"


def deliver_due(
    store: Store,
    settings: Settings | None = None,
    *,
    allow_private: bool | None = None,
    stop: threading.Event | None = None,
) -> DeliveryReport:
    """Send every pending delivery that is due (see the module docstring); stop early when ``stop``
    is set, after the delivery in progress."""
    settings = settings or load_settings()
    config = settings.alerts
    lease = timedelta(seconds=config.webhook_timeout + config.smtp_timeout + 5)
    report = DeliveryReport()
    deliverer = Deliverer(settings, allow_private)
    try:
        while not (stop and stop.is_set()):
            moment = datetime.now(UTC)
            due = store.due_deliveries(_stamp(moment), limit=50)
            if not due:
                break
            for row in due:
                if stop and stop.is_set():
                    break
                where = (row["alert_id"], row["channel"], row["target"])
                attempts = row["attempts"] + 1
                # A delivery's row only: beside article commits, not holding them up (PostgreSQL).
                with store.transaction(exclusive=False):
                    claimed = store.claim_delivery(*where, due=_stamp(moment), attempts=attempts,
                                                   until=_stamp(moment + lease))  # fmt: skip
                if not claimed:  # another deliverer took it
                    continue
                try:
                    deliverer.send(row)
                except DeliveryError as err:
                    dead = attempts >= config.max_attempts
                    wait = timedelta(seconds=config.retry_seconds * 2 ** (attempts - 1))
                    with store.transaction(exclusive=False):
                        store.set_delivery(*where, status="dead" if dead else "pending", attempts=attempts,
                                           next_at=_stamp(datetime.now(UTC) + wait), last_error=str(err))  # fmt: skip
                    report.dead += dead
                    report.retrying += not dead
                    continue
                delivered = _stamp(datetime.now(UTC))
                with store.transaction(exclusive=False):
                    store.set_delivery(*where, status="delivered", attempts=attempts, next_at=delivered,
                                       delivered_at=delivered)  # fmt: skip
                report.delivered += 1
    finally:
        deliverer.close()
    return report
