"""The shop's repositories: catalogue, orders, promotions, returns, chat links.

Functions on a SQLAlchemy session passed as the keyword ``session=``.
"""
