"""The shop's pure rules: sizing, stock, offers, order and return decisions.

Plain functions on plain values (order views, policy settings): no SQLAlchemy and no
database session, so they are tested without a database (checked by ``make lint``).
"""
