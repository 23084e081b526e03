"""REDIS_URL split into the keys of Rasa 3.6's Redis lock store (``lock_store:`` in its endpoints).

Rasa's ``RedisLockStore`` takes ``url`` (the host), ``port``, ``db``, ``username``,
``password`` and ``use_ssl``, not a URL, so the URL is taken apart here:
``redis://[[username]:password@]host[:port][/db]``, or ``rediss://`` for TLS.
Without ``/db`` the database is 0, as for every Redis client (Rasa's own
default would be 1). A URL that cannot be read is refused with one line that
says what is wrong and never repeats the password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from stack.yaml_text import yaml_string

SCHEMES = {"redis": False, "rediss": True}  # scheme -> TLS
DEFAULT_PORT = 6379


class BadRedisUrl(ValueError):
    """REDIS_URL cannot be read; the message is fit to show as it is."""


@dataclass(frozen=True)
class RedisLockStore:
    host: str
    port: int = DEFAULT_PORT
    db: int = 0
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    use_ssl: bool = False

    def endpoint_lines(self) -> list[str]:
        """The ``lock_store:`` section of Rasa's endpoints.yml."""
        lines = ["lock_store:", "  type: redis", f"  url: {yaml_string(self.host)}", f"  port: {self.port}"]
        lines.append(f"  db: {self.db}")
        if self.username:
            lines.append(f"  username: {yaml_string(self.username)}")
        if self.password:
            lines.append(f"  password: {yaml_string(self.password)}")
        if self.use_ssl:
            lines.append("  use_ssl: true")
        return lines


def parse_redis_url(url: str) -> RedisLockStore:
    """The lock store ``url`` names; :class:`BadRedisUrl` when it cannot be read."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # an unbalanced [ or ] (read as an IPv6 address)
        raise BadRedisUrl(
            "REDIS_URL cannot be read: a [ or ] in the password must be percent-encoded (%5B %5D)"
        ) from None
    if parts.scheme not in SCHEMES:
        raise BadRedisUrl(
            f"REDIS_URL must start with redis:// (or rediss:// for TLS), not {parts.scheme or 'no scheme'}"
            " (e.g. redis://:PASSWORD@127.0.0.1:6379/0)"
        )
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise BadRedisUrl("REDIS_URL: the port after the host must be a number from 1 to 65535") from None
    if not parts.hostname:
        raise BadRedisUrl("REDIS_URL names no host (e.g. redis://127.0.0.1:6379/0)")
    path = parts.path.strip("/")
    if path and not (path.isascii() and path.isdigit()):
        raise BadRedisUrl("REDIS_URL: after the host and port only a database number may follow, e.g. /2")
    if parts.query or parts.fragment:
        raise BadRedisUrl("REDIS_URL: options after ? or # are not read; give the database number as /2")
    return RedisLockStore(
        host=parts.hostname,
        port=port,
        db=int(path or 0),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_ssl=SCHEMES[parts.scheme],
    )
