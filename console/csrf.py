"""CSRF protection: a random token per session, required on every POST.

Forms carry it as the hidden field `csrf`, the page's scripts as the header
X-CSRF-Token. The token lives in the signed session cookie (SameSite=Lax as
well), so another site can neither read nor forge it. `checked_form` is the only
way a handler reads a POST, so no form can skip the check.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

FIELD = "csrf"
HEADER = "x-csrf-token"


def token(request: Request) -> str:
    """The session's token (made on first use)."""
    value = request.session.get(FIELD)
    if not value:
        value = secrets.token_urlsafe(32)
        request.session[FIELD] = value
    return value


def _valid(request: Request, given: str | None) -> bool:
    expected = request.session.get(FIELD)
    return bool(expected and given) and hmac.compare_digest(str(expected), str(given))


async def checked_form(request: Request) -> FormData:
    """The POSTed form, or 403 when its CSRF token is missing or wrong."""
    form = await request.form()
    given = form.get(FIELD) or request.headers.get(HEADER)
    if not _valid(request, given if isinstance(given, str) else None):
        raise HTTPException(403, "csrf")
    return form
