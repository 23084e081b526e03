"""`python -m console` serves the web console; `create-owner` makes the first owner; `demo` fills the demo.

python -m console                      # serve on CONSOLE_HOST:CONSOLE_PORT (127.0.0.1:8700)
python -m console create-owner NAME    # asks for the password (or reads one line: --password-stdin)
python -m console demo-accounts        # the demo's accounts, passwords in the README
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

from console import accounts
from console.settings import load_settings
from shop.db.errors import InvalidInput


def _url() -> str | None:
    return load_settings().database_url


def _upgrade() -> None:
    from shop.db.migrate import upgrade

    upgrade(_url())


def serve() -> int:
    import uvicorn

    from console.app import build_app

    settings = load_settings()
    _upgrade()
    print(f"console: http://{settings.host}:{settings.port}/", file=sys.stderr)
    uvicorn.run(
        build_app(settings),
        host=settings.host,
        port=settings.port,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        timeout_graceful_shutdown=3,
        log_level="info",
    )
    return 0


def create_owner(username: str, password_stdin: bool) -> int:
    from shop.db.engine import session_scope

    _upgrade()
    password = sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass("password: ")
    try:
        with session_scope(_url()) as session:
            person = accounts.create(username, password, "owner", created_by="create-owner", session=session)
    except InvalidInput as exc:
        problem = {
            "username": "the username must be 2-64 letters, digits, '.', '_' or '-'",
            "password": f"the password must have at least {accounts.MIN_PASSWORD} characters",
            "taken": "that username is taken",
        }.get(str(exc), str(exc))
        print(f"create-owner: {problem}", file=sys.stderr)
        return 2
    print(f"owner '{person.username}' created; sign in at the console and add the other accounts there")
    return 0


def demo() -> int:
    from console.demo import ACCOUNTS, ensure_demo
    from console.settings import load_settings
    from shop.db.engine import session_scope
    from shop.models.base import utcnow

    _upgrade()
    with session_scope(_url()) as session:
        ensure_demo(routing_file=load_settings().routing_file, session=session, now=utcnow())
    print("web console demo sign-ins: " + ", ".join(f"{u} / {p}" for u, _, p in ACCOUNTS))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="serve the console (the default)")
    owner = sub.add_parser("create-owner", help="create an owner account (the first one)")
    owner.add_argument("username")
    owner.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sub.add_parser("demo", help="the demo's accounts and a few waiting drafts (demo database only)")
    args = parser.parse_args(argv)
    if args.command == "create-owner":
        return create_owner(args.username, args.password_stdin)
    if args.command == "demo":
        return demo()
    return serve()


if __name__ == "__main__":
    sys.exit(main())
