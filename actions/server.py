"""The action server: rasa-sdk's app, listening where we say, answering only Rasa.

    ACTION_SERVER_SECRET=... python -m actions.server --port 5055 [--host 127.0.0.1] [--actions actions]

rasa-sdk 3.x checks nobody and listens on 0.0.0.0: whoever reaches its port can
post a made-up tracker to `/webhook`, with a linked buyer's identity in the
metadata, and read that buyer's parcels or file a return. Here every route but
`/health` requires `Authorization: Bearer <ACTION_SERVER_SECRET>`, which Rasa
sends from its endpoints file (stack/servers.endpoints_yaml); anything else gets
401 and an answer that says nothing about the shop.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import sys
from functools import partial

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app_for_serve
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.worker.loader import AppLoader

from actions.settings import SECRET_ENV, action_server_secret

OPEN_PATHS = frozenset({"/health"})  # the stack's readiness probe; it says only "ok"


def authorized(header: str | None, secret: str) -> bool:
    """True when `header` is exactly `Bearer <secret>` (compared in constant time)."""
    return header is not None and hmac.compare_digest(header.encode(), f"Bearer {secret}".encode())


def create_app(executor: ActionExecutor, *, secret: str) -> Sanic:
    """rasa-sdk's app (routes, plugins, keep-alive) with the secret checked before any route runs."""
    app = create_app_for_serve(executor, cors_origins=None)

    @app.on_request
    async def require_secret(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or authorized(request.headers.get("authorization"), secret):
            return None
        return response.json({"error": "unauthorized"}, status=401)

    return app


def serve(executor: ActionExecutor, *, host: str, port: int, secret: str) -> None:
    """As rasa_sdk.endpoint.run, with our host and app; the loader rebuilds the app in each worker."""
    loader = AppLoader(factory=partial(create_app, executor, secret=secret))
    app = loader.load()
    app.prepare(host=host, port=port, workers=utils.number_of_sanic_workers())
    logging.getLogger(__name__).info("action server listening on %s:%s", host, port)
    Sanic.serve(primary=app, app_loader=loader)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the shop's action server (rasa-sdk behind a shared secret)")
    parser.add_argument("--actions", default="actions", help="the actions package to serve")
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args(argv)
    secret = action_server_secret()
    if secret is None:
        print(
            f"{SECRET_ENV} is not set: the action server answers only requests carrying it", file=sys.stderr
        )
        return 2
    utils.configure_colored_logging(logging.INFO)
    utils.update_sanic_log_level()
    executor = ActionExecutor()
    executor.register_package(args.actions)
    serve(executor, host=args.host, port=args.port, secret=secret)
    return 0


if __name__ == "__main__":
    sys.exit(main())
