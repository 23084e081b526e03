"""`rasa run` as our stack starts it (stack/servers.py): `python -m nlu.server [rasa run options]`.

Rasa takes its API token from `--auth-token`, but a command line is readable by
every local user (/proc/<pid>/cmdline). Here the token comes in the environment
(RASA_TOKEN, readable by its owner only) and is handed to Rasa's argument parser
inside the process; our channel reads the same variable through credentials.yml.
"""

from __future__ import annotations

import os
import sys

TOKEN_ENV = "RASA_TOKEN"


def rasa_argv(options: list[str], token: str) -> list[str]:
    # One "--auth-token=..." word: a URL-safe token may start with "-", which as a
    # separate word argparse takes for an option (the server then fails to start).
    return ["rasa", "run", *options, f"--auth-token={token}"]


def main() -> None:
    token = os.environ.get(TOKEN_ENV)
    if not token:
        sys.exit(f"{TOKEN_ENV} is not set: the Rasa server answers only requests carrying it")
    sys.argv = rasa_argv(sys.argv[1:], token)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
