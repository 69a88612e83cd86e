"""Invitations and reminders by email: compose, queue, send exactly once, opt out.

- :mod:`.compose` checks placeholders and renders one message per link.
- :mod:`.queue` makes a mailing's outbox rows, one per link, saying who is skipped and why.
- :mod:`.sending` claims rows and hands them to ``EMAIL_BACKEND``.
- :mod:`.optout` signs unsubscribe tokens and records opt-outs.
"""
