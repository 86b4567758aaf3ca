"""Is the new site live yet? The rebuild status page, a JSON status, and the built site itself.

The built site is served under ``/site/`` (behind the login, like every page of the form) so a
coordinator can check a publication right after the rebuild, also when the public web server
is elsewhere. Paths are resolved inside the site folder: ``..`` and symlinks cannot leave it.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from generator.form.context import ctx_of, current, render

router = APIRouter()


@router.get("/site-status", summary="Staat de nieuwe site live?")
async def site_status(request: Request, bouw: int = 0) -> Response:
    session, user = current(request)
    ctx = ctx_of(request)
    status = ctx.rebuilder.status()
    generation = bouw if 0 < bouw <= status.requested else status.requested
    live = status.is_live(generation) if generation else _built(ctx.site_dir)
    failed = bool(generation) and not live and not status.running and bool(status.last_error)
    return render(request, "site_status.html", session=session, user=user, status=status,
                  generation=generation, live=live, failed=failed,
                  site_url=ctx.settings.site_url or "/site/", has_site=_built(ctx.site_dir))


@router.get("/status.json", summary="Status van privacycheck en site (JSON)")
async def status_json(request: Request) -> JSONResponse:
    current(request)
    ctx = ctx_of(request)
    status = ctx.rebuilder.status()
    return JSONResponse({
        "privacy": ctx.privacy.state, "privacy_message": ctx.privacy.message(),
        "site": {"enabled": status.enabled, "requested": status.requested, "live": status.live,
                 "running": status.running, "error": status.last_error,
                 "duration": status.last_duration},
    })


@router.get("/site", include_in_schema=False)
async def site_root(request: Request) -> Response:
    current(request)
    return RedirectResponse("/site/", status_code=307)


@router.get("/site/{path:path}", summary="De gebouwde site")
async def site_file(request: Request, path: str) -> Response:
    current(request)
    root = ctx_of(request).site_dir.resolve()
    target = (root / path).resolve() if path else root
    if not target.is_relative_to(root):
        raise HTTPException(404, "Deze pagina bestaat niet op de site.")
    if target.is_dir():
        if path and not path.endswith("/"):
            return RedirectResponse(f"/site/{path}/", status_code=307)
        target = target / "index.html"
    if not target.is_file():
        raise HTTPException(404, "Deze pagina bestaat (nog) niet op de site. Is de site al "
                                 "gebouwd?")
    return FileResponse(target)


def _built(site_dir: Path) -> bool:
    return (site_dir / "index.html").is_file()
