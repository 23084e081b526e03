"""The owner's numbers, without a front end: dashboard figures, charts, thresholds from agents' decisions.

Every figure is a pure function of the shop database (``session=``) and a
:class:`~desk.analytics.period.Period`; the web console's owner pages and the
CLI (``python -m desk.analytics``) only present them.
"""
