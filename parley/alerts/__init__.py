"""Alerts: rules users subscribe with, alerts derived from the fact history into an outbox, and
their delivery (see ``docs/ALERTS.md``).

- ``parley.alerts.rules``: ``Rule``, rules files, the default set, storing rules;
- ``parley.alerts.derive``: ``derive_article`` (called by ``parley.flow.commit``) and ``check``
  (the clock's deadlines), writing alerts to the outbox;
- ``parley.alerts.deliver``: webhook and e-mail deliveries from the outbox, exactly once.
"""
