"""The ASGI application: pages, the JSON API, static files, and their error handling.

:func:`create_app` takes a :class:`~caseflow.context.Context` (the composition
root), so the tests, the benchmark and ``caseflow serve`` build the same app.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException

from caseflow.context import Context
from caseflow.errors import CaseflowError, DatabaseBusy
from caseflow.settings import Settings
from caseflow.web import deps, oidc
from caseflow.web.api import admin as api_admin
from caseflow.web.api import cases as api_cases
from caseflow.web.api import meetings as api_meetings
from caseflow.web.api import organisation as api_organisation
from caseflow.web.deps import CsrfRefused, SignInRequired, TokenRequired
from caseflow.web.middleware import RememberLanguage, SecurityHeaders
from caseflow.web.pages import (
    account,
    admin,
    agenda,
    approvals,
    attachments,
    cases,
    followups,
    imports,
    inbox,
    meetings,
    minutes,
    signin,
    workflow_changes,
)
from caseflow.web.pages import oidc as oidc_pages
from caseflow.web.pages import records as records_pages
from caseflow.web.problems import error_problem, problem, status_of
from caseflow.web.templating import is_htmx, render

STATIC = Path(__file__).parent / "static"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_page(request: Request, status: int, heading: str, message: str) -> Response:
    words = deps.words(request)
    return render(
        request,
        "error.html",
        words,
        None,
        status=status,
        heading=heading,
        message=message,
        reload=None,
    )


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(CaseflowError)
    async def caseflow_error(request: Request, error: CaseflowError) -> Response:
        words = deps.words(request)
        response: Response
        if _is_api(request):
            response = error_problem(error, error.message or words.error(error))
        else:
            response = _error_page(
                request, status_of(error), words("error_title"), words.error(error)
            )
        if isinstance(error, DatabaseBusy):  # the same request may simply be sent again
            response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(OperationalError)
    async def database_unavailable(request: Request, error: OperationalError) -> Response:
        # The database is down, restarting, or (SQLite) locked past the busy timeout:
        # nothing was written (every service is one transaction); try again shortly.
        words = deps.words(request)
        headers = {"Retry-After": "5"}
        if _is_api(request):
            return problem(
                503,
                "DatabaseUnavailable",
                "the database did not answer; nothing was changed, try again shortly",
                "database_unavailable",
                headers=headers,
            )
        response = _error_page(request, 503, words("error_title"), words("database_down"))
        response.headers.update(headers)
        return response

    @app.exception_handler(DataError)
    async def value_out_of_range(request: Request, error: DataError) -> Response:
        # A number or text the database cannot hold (PostgreSQL checks, SQLite does not):
        # bad input that slipped past the checks, refused before anything was written.
        words = deps.words(request)
        detail = "a value in the request is out of range for what caseflow stores"
        if _is_api(request):
            return problem(422, "InvalidInput", detail, "invalid_input")
        return _error_page(request, 422, words("error_title"), words("value_out_of_range"))

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, error: SignInRequired) -> Response:
        target = f"/signin?next={quote(error.next_url, safe='')}"
        if is_htmx(request):
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, error: CsrfRefused) -> Response:
        words = deps.words(request)
        return _error_page(request, 403, words("forbidden_page"), words("csrf_failed"))

    @app.exception_handler(TokenRequired)
    async def token_required(request: Request, error: TokenRequired) -> Response:
        return problem(
            401,
            "TokenRequired",
            "this request needs a valid API token: send 'Authorization: Bearer <token>'",
            "token_required",
            headers={"WWW-Authenticate": 'Bearer realm="caseflow"'},
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        problems = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in error.errors()
        ]
        detail = "; ".join(f"{p['where']}: {p['message']}" for p in problems)
        if _is_api(request):
            return problem(422, "InvalidInput", detail, "invalid_input", {"errors": problems})
        words = deps.words(request)
        return _error_page(request, 422, words("error_title"), detail)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        words = deps.words(request)
        if _is_api(request):
            return problem(
                error.status_code, "HTTPError", str(error.detail), f"http_{error.status_code}"
            )
        message = words("not_found_page") if error.status_code == 404 else str(error.detail)
        return _error_page(request, error.status_code, words("error_title"), message)


def create_app(context: Context) -> FastAPI:
    """The web app over ``context``: every route calls the services with it."""
    app = FastAPI(
        title="caseflow",
        version=version("caseflow"),
        description="Political case handling: cases, committees, deadlines. "
        "Authenticate with an API token: `Authorization: Bearer cft_…`.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # the interactive docs load scripts from a CDN, which our CSP forbids
        redoc_url=None,
    )
    app.state.context = context
    app.state.oidc = oidc.client_for(context.settings)  # None: passwords only
    _install_handlers(app)

    @app.get("/api/v1/health", tags=["meta"])
    def health() -> dict[str, str]:
        """Whether the app answers (no database round trip): for probes and as the
        baseline of ``bench/web.py``."""
        return {"status": "ok"}

    app.include_router(api_cases.router)
    app.include_router(signin.router)
    app.include_router(oidc_pages.router)
    app.include_router(inbox.router)
    app.include_router(cases.router)
    app.include_router(attachments.router)
    app.include_router(account.router)
    app.include_router(api_meetings.router)
    app.include_router(meetings.router)  # before agenda's /meetings/{meeting_id}
    app.include_router(agenda.router)
    app.include_router(minutes.router)
    app.include_router(api_admin.router)
    app.include_router(api_organisation.router)
    app.include_router(followups.router)
    app.include_router(admin.router)
    app.include_router(workflow_changes.router)
    app.include_router(imports.router)
    app.include_router(records_pages.router)  # records: /admin/records
    app.include_router(approvals.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(RememberLanguage)
    app.add_middleware(SecurityHeaders)
    return app


def from_environment() -> FastAPI:
    """The app from ``CASEFLOW_*`` settings: what each uvicorn worker process builds
    (``caseflow serve`` passes its flags on in the environment)."""
    return create_app(Context.from_settings(Settings.load()))
