"""Delivering alerts from the outbox to real receivers on 127.0.0.1: a webhook receiver checking
signatures (and failing on purpose), an SMTP server (aiosmtpd), the Atom feed read back with
feedparser, and the API for rules."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from alert_support import SECRET, Certificates, MailReceiver, WebhookReceiver
from store_support import seed_article

from parley import flow
from parley.alerts.deliver import deliver_due, message_id
from parley.alerts.rules import Rule, add_rule
from parley.errors import SettingsError
from parley.settings import Settings, load_settings
from parley.store import Store, open_store
from parley.web import create_app
from parley.web.params import cursor_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytest_plugins = ["store_support", "alert_support"]


def settings(**alerts: object) -> Settings:
    """Settings that let deliveries reach 127.0.0.1 and retry at once."""
    return load_settings(alerts={"retry_seconds": 0.0, **alerts}, fetch={"allow_private": True})


def statuses(store: Store) -> list[tuple[str, str, int]]:
    return sorted(
        (d["target"], d["status"], d["attempts"]) for a in store.alerts(limit=None) for d in a["deliveries"]
    )


def test_webhook_delivers_each_alert_once_signed(store: Store, webhook: WebhookReceiver) -> None:
    add_rule(store, Rule("all-hooked", webhook=webhook.url), "test")
    flow.commit(store, *seed_article())
    expected = {a["key"] for a in store.alerts(limit=None)}
    assert len(expected) >= 5
    report = deliver_due(store, settings())
    assert report.delivered == len(expected) and report.dead == 0
    assert set(webhook.alerts) == expected and set(webhook.posts.values()) == {1}
    red_line = next(a for k, a in webhook.alerts.items() if "red line" in k)
    assert red_line["kind"] == "red line crossed" and red_line["rule"] == "all-hooked"
    assert red_line["fact"]["link"].startswith("/facts/") and red_line["red_line"]["party"] == "UKR"
    assert red_line["sources"] and all(s["link"].startswith("/articles/1") for s in red_line["sources"])
    assert deliver_due(store, settings()).delivered == 0  # nothing is sent twice
    assert webhook.requests == len(expected)
    assert {status for _, status, _ in statuses(store)} == {"delivered"}


def hooked_store(path: Path, webhook: WebhookReceiver, kinds: tuple[str, ...] = ("violation",)) -> Store:
    """A store holding the founding article, with a rule sending ``kinds`` to the receiver."""
    store = open_store(str(path))
    add_rule(store, Rule("hook", kinds=kinds, webhook=webhook.url), "test")
    flow.commit(store, *seed_article())
    return store


def test_a_failing_receiver_is_retried_until_it_takes_the_alert(
    tmp_path: Path, webhook: WebhookReceiver
) -> None:
    with hooked_store(tmp_path / "parley.db", webhook) as store:
        webhook.fail_next = 2
        report = deliver_due(store, settings())  # no wait between tries: all in one call
        assert (report.delivered, report.retrying, report.dead) == (1, 2, 0)
        (alert,) = store.alerts()
        assert statuses(store) == [(webhook.url, "delivered", 3)] and webhook.requests == 3
        assert webhook.posts == {alert["key"]: 1}


def test_retries_back_off(tmp_path: Path, webhook: WebhookReceiver) -> None:
    with hooked_store(tmp_path / "parley.db", webhook) as store:
        webhook.fail_next = 1000
        assert deliver_due(store, settings(retry_seconds=3600.0)).retrying == 1
        (alert,) = store.alerts()
        (delivery,) = alert["deliveries"]
        assert (
            delivery["status"] == "pending"
            and delivery["attempts"] == 1
            and "HTTP 500" in delivery["last_error"]
        )
        waited = datetime.fromisoformat(delivery["next_at"]) - datetime.now(UTC)
        assert timedelta(minutes=59) < waited <= timedelta(hours=1)
        assert deliver_due(store, settings(retry_seconds=3600.0)).retrying == 0  # not due yet
        assert webhook.requests == 1


def test_a_receiver_that_keeps_failing_dead_letters_the_alert(
    tmp_path: Path, webhook: WebhookReceiver
) -> None:
    with hooked_store(tmp_path / "parley.db", webhook, kinds=("commitment status",)) as store:
        webhook.fail_next = 1000
        report = deliver_due(store, settings(max_attempts=3))
        alerts = store.alerts(limit=None)
        assert report.dead == len(alerts) >= 4 and report.delivered == 0
        assert {(d["status"], d["attempts"]) for a in alerts for d in a["deliveries"]} == {("dead", 3)}
        assert webhook.requests == 3 * len(alerts) and not webhook.alerts


def test_a_webhook_on_a_private_address_is_refused_by_the_guard(
    tmp_path: Path, webhook: WebhookReceiver
) -> None:
    with open_store(str(tmp_path / "parley.db")) as store:
        add_rule(store, Rule("hook", kinds=("violation",), webhook=webhook.url), "test")
        flow.commit(store, *seed_article())
        report = deliver_due(store, load_settings(alerts={"max_attempts": 1}))
        assert report.dead == 1 and webhook.requests == 0
        (alert,) = store.alerts()
        assert "a loopback address" in alert["deliveries"][0]["last_error"]


def test_a_bad_signature_is_what_the_receiver_refuses(
    tmp_path: Path, webhook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_WEBHOOK_SECRET", "not-" + SECRET)
    with open_store(str(tmp_path / "parley.db")) as store:
        add_rule(store, Rule("hook", kinds=("violation",), webhook=webhook.url), "test")
        flow.commit(store, *seed_article())
        assert deliver_due(store, settings(retry_seconds=3600.0)).retrying == 1
        assert "HTTP 401" in store.alerts()[0]["deliveries"][0]["last_error"] and not webhook.alerts


def test_email_through_smtp(tmp_path: Path, mail: MailReceiver) -> None:
    config = settings(smtp_host="127.0.0.1", smtp_port=mail.port, smtp_security="none", smtp_from="alerts@parley.test",
                      base_url="https://parley.example.org")  # fmt: skip
    with open_store(str(tmp_path / "parley.db")) as store:
        add_rule(store, Rule("desk", kinds=("violation", "red line crossed"),
                             email=("desk@example.org", "editor@example.org")), "test")  # fmt: skip
        flow.commit(store, *seed_article())
        alerts = store.alerts(limit=None)
        assert deliver_due(store, config).delivered == 2 * len(alerts) == len(mail.messages)
        assert deliver_due(store, config).delivered == 0 and set(mail.received.values()) == {1}
        violation = next(a for a in alerts if a["kind"] == "violation")
        message = mail.messages[message_id(violation["key"], "desk@example.org")]
        assert message["From"] == "alerts@parley.test" and message["To"] == "desk@example.org"
        assert message["Subject"].startswith("[parley] Violation reported")
        text, attachment = [part for part in message.walk() if not part.is_multipart()]
        body = text.get_content()
        assert "https://parley.example.org/facts/" in body and "Sources:" in body
        assert json.loads(attachment.get_payload(decode=True))["key"] == violation["key"]


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_email_over_tls_to_a_server_of_an_internal_certificate_authority(
    tmp_path: Path, security: str
) -> None:
    certificates = Certificates(tmp_path)
    mail = MailReceiver(security, certificates)
    common = {"smtp_host": "127.0.0.1", "smtp_port": mail.port, "smtp_security": security}
    try:
        for trusted, db in ((False, "untrusted.db"), (True, "trusted.db")):
            with open_store(str(tmp_path / db)) as store:
                add_rule(store, Rule("desk", kinds=("violation",), email=("desk@example.org",)), "test")
                flow.commit(store, *seed_article())
                if trusted:  # the authority of the server's certificate named in the settings
                    assert (
                        deliver_due(store, settings(**common, smtp_ca_file=str(certificates.ca))).delivered
                        == 1
                    )
                    assert len(mail.messages) == 1
                else:  # the system's authorities do not know it: refused, and retried later
                    assert deliver_due(store, settings(**common, retry_seconds=3600.0)).retrying == 1
                    assert "CERTIFICATE_VERIFY_FAILED" in store.alerts()[0]["deliveries"][0]["last_error"]
                    assert not mail.messages
    finally:
        mail.close()


def test_an_unreadable_certificate_authority_file_is_a_settings_error(
    tmp_path: Path, mail: MailReceiver
) -> None:
    config = settings(smtp_host="127.0.0.1", smtp_port=mail.port, smtp_ca_file=str(tmp_path / "missing.pem"))
    with open_store(str(tmp_path / "parley.db")) as store:
        add_rule(store, Rule("desk", kinds=("violation",), email=("desk@example.org",)), "test")
        flow.commit(store, *seed_article())
        with pytest.raises(SettingsError, match="alerts.smtp_ca_file") as raised:
            deliver_due(store, config)
        assert "cannot read certificate authorities" in str(raised.value) and not mail.messages


def test_email_to_a_server_that_is_down_is_retried(tmp_path: Path) -> None:
    config = settings(smtp_host="127.0.0.1", smtp_port=9, smtp_security="none", retry_seconds=3600.0)
    with open_store(str(tmp_path / "parley.db")) as store:
        add_rule(store, Rule("desk", kinds=("violation",), email=("desk@example.org",)), "test")
        flow.commit(store, *seed_article())
        assert deliver_due(store, config).retrying == 1
        assert "SMTP 127.0.0.1:9" in store.alerts()[0]["deliveries"][0]["last_error"]


# -- the web: Atom, the page's JSON twin, the API ----------------------------------------------


@pytest.fixture
def alerts_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("PARLEY_TOKEN", "tok")
    db = tmp_path / "parley.db"
    with open_store(str(db)) as store:
        flow.commit(store, *seed_article())
    app = create_app(str(db), load_settings())
    try:
        with TestClient(app) as client:
            yield client
    finally:
        app.state.parley.close()


def test_atom_feed_per_rule_reads_back_with_feedparser(alerts_client: TestClient) -> None:
    response = alerts_client.get("/alerts.atom", params={"rule": "red-lines"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.version == "atom10" and feed.feed.title == "parley alerts: red-lines"
    assert len(feed.entries) == 2 and all(e.title.startswith("Red line crossed") for e in feed.entries)
    assert feed.entries[0].link.startswith("http://testserver/facts/") and "Ukraine" in feed.entries[0].title
    everything = feedparser.parse(alerts_client.get("/alerts.atom").content)
    assert len(everything.entries) == len(alerts_client.get("/alerts.json").json()["items"]) >= 5
    assert len({e.id for e in everything.entries}) == len(everything.entries)


def test_alerts_page_json_twin_and_api(alerts_client: TestClient) -> None:
    page = alerts_client.get("/alerts.json", params={"rule": "violations"}).json()
    assert (
        page["total"] == 1
        and page["items"][0]["kind"] == "violation"
        and page["feed"] == "/alerts.atom?rule=violations"
    )
    assert [r["name"] for r in page["rules"]] == ["violations", "deadlines", "red-lines", "commitments"]
    first = alerts_client.get("/api/alerts", params={"limit": 2}).json()
    assert first["next"].startswith("/api/alerts?limit=2&cursor=") and first["first"] is None
    second = alerts_client.get(first["next"]).json()
    assert second["first"] == "/api/alerts?limit=2" and second["items"][0]["id"] < first["items"][-1]["id"]
    everything = alerts_client.get("/api/alerts", params={"limit": 500}).json()["items"]
    assert [a["id"] for a in first["items"] + second["items"]] == [a["id"] for a in everything[:4]]
    for cursor in ("bm90LWpzb24", cursor_of(["x"]), cursor_of([1, 2])):  # not JSON, not an id, two values
        refused = alerts_client.get("/api/alerts", params={"cursor": cursor})
        assert refused.status_code == 422 and "not a cursor of this list" in refused.text, cursor
    html = alerts_client.get("/alerts")
    assert html.status_code == 200 and "Red line crossed" in html.text and 'href="/alerts.atom"' in html.text
    assert alerts_client.post("/api/alerts/rules", json={"name": "x"}).status_code == 401
    wrong = alerts_client.post(
        "/api/alerts/rules", json={"name": "x"}, headers={"Authorization": "Bearer no"}
    )
    assert wrong.status_code == 403
    auth = {"Authorization": "Bearer tok"}
    made = alerts_client.post("/api/alerts/rules", json={"name": "rus-ukr", "processes": ["RUS-UKR"],
                              "kinds": ["deadline passed"], "days_before": 2}, headers=auth)  # fmt: skip
    assert made.status_code == 201 and made.json()["origin"] == "api" and made.json()["replaced"] is None
    again = alerts_client.post("/api/alerts/rules", json={"name": "rus-ukr", "processes": ["RUS-UKR"],
                               "kinds": ["deadline passed"], "days_before": 3}, headers=auth)  # fmt: skip
    assert again.status_code == 200 and again.json()["replaced"] == "api" and again.json()["days_before"] == 3
    bad = alerts_client.post("/api/alerts/rules", json={"name": "y", "min_outlets": -2}, headers=auth)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "P700"
    assert [r["name"] for r in alerts_client.get("/api/alerts/rules").json()["items"]] == ["rus-ukr"]
    assert alerts_client.delete("/api/alerts/rules/rus-ukr", headers=auth).json() == {"removed": "rus-ukr"}
    assert alerts_client.delete("/api/alerts/rules/rus-ukr", headers=auth).status_code == 404
