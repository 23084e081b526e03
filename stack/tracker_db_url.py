"""TRACKER_DB_URL split into the keys of Rasa 3.6's SQL tracker store (``tracker_store:`` in its endpoints).

Rasa's ``SQLTrackerStore`` takes ``url`` (the host), ``port``, ``db``, ``username``
and ``password``, not a URL, so the URL is taken apart here:
``postgresql[+driver]://[username[:password]@]host[:port]/db``, or a unix socket
as for DATABASE_URL: ``postgresql+psycopg://username@/db?host=/var/run/postgresql``.
Username, password and database are percent-decoded: a ``@ : / ? # %`` in them
is written ``%40 %3A %2F %3F %23 %25`` (``[ ]``: ``%5B %5D``). A URL that cannot be read is refused
with one line that says what is wrong and never repeats the password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from stack.yaml_text import yaml_string

DEFAULT_PORT = 5432
ENCODE_HINT = (
    "a @ : / ? # [ ] or % in the username, password or database name must be percent-encoded"
    " (%40 %3A %2F %3F %23 %5B %5D %25)"
)


class BadTrackerDbUrl(ValueError):
    """TRACKER_DB_URL cannot be read; the message is fit to show as it is."""


@dataclass(frozen=True)
class TrackerDb:
    host: str  # a host name or address, or the folder of PostgreSQL's unix socket
    db: str
    port: int = DEFAULT_PORT
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def endpoint_lines(self) -> list[str]:
        """The PostgreSQL keys of the ``tracker_store:`` section of Rasa's endpoints.yml."""
        lines = [
            "  dialect: postgresql",
            # Rasa passes the endpoint's `url` as the host (a `host:` key crashes it), read as
            # "scheme://" + url: an IPv6 address goes in brackets or its colons are taken for a port.
            f"  url: {yaml_string(f'[{self.host}]' if ':' in self.host else self.host)}",
            f"  port: {self.port}",
            f"  db: {yaml_string(self.db)}",
        ]
        if self.username:
            lines.append(f"  username: {yaml_string(self.username)}")
        if self.password:
            lines.append(f"  password: {yaml_string(self.password)}")
        return lines


def parse_tracker_db_url(url: str) -> TrackerDb:
    """The tracker database ``url`` names; :class:`BadTrackerDbUrl` when it cannot be read."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # an unbalanced [ or ] (read as an IPv6 address)
        raise BadTrackerDbUrl(f"TRACKER_DB_URL cannot be read: {ENCODE_HINT}") from None
    if parts.scheme.split("+")[0] not in ("postgresql", "postgres"):
        raise BadTrackerDbUrl(
            f"TRACKER_DB_URL must start with postgresql+psycopg://, not {parts.scheme or 'no scheme'}"
            " (e.g. postgresql+psycopg://USER:PASSWORD@127.0.0.1:5432/rasa_tracker)"
        )
    if parts.fragment:
        raise BadTrackerDbUrl(f"TRACKER_DB_URL cannot be read: {ENCODE_HINT}")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise BadTrackerDbUrl(
            f"TRACKER_DB_URL: the port after the host must be a number from 1 to 65535 ({ENCODE_HINT})"
        ) from None
    options = parse_qs(parts.query, keep_blank_values=True)
    if set(options) - {"host"} or len(options.get("host", [])) > 1:
        raise BadTrackerDbUrl("TRACKER_DB_URL: of the options after ? only host=SOCKET_FOLDER is read")
    host = options["host"][0] if options else parts.hostname  # libpq: the option wins
    if not host:
        raise BadTrackerDbUrl(
            "TRACKER_DB_URL names no host (e.g. @127.0.0.1/rasa_tracker, or ?host=/var/run/postgresql)"
        )
    db = unquote(parts.path.lstrip("/"))
    if not db:
        raise BadTrackerDbUrl("TRACKER_DB_URL names no database after the host (e.g. /rasa_tracker)")
    return TrackerDb(
        host=host,
        port=port,
        db=db,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )
