"""nlu.server's entry point hands the API token to Rasa's own argument parser."""

from __future__ import annotations

import pytest
from rasa.__main__ import create_argument_parser

from nlu.server.__main__ import rasa_argv


@pytest.mark.parametrize("token", ["plain-token_1", "-starts-with-a-dash", "--looks-like-an-option"])
def test_rasa_reads_every_url_safe_token(token: str) -> None:
    argv = rasa_argv(["--enable-api", "--port", "5005"], token)
    args = create_argument_parser().parse_args(argv[1:])
    assert args.auth_token == token
    assert args.port == 5005 and args.enable_api
