"""Scripts and stylesheets kept on disk in parts of one concern each, served as one file each.

A page keeps one URL per asset (a portal embeds the widget with one script tag) while the source
stays in small files: a :class:`Bundle` answers with the text of its parts in the order it lists
them, a blank line between two parts. A script made of parts is one closure opened by its first
part (``head.js``) and closed by its last (``tail.js``), so the parts share their names as the
lines of one file would.

The parts are read on every request, as ``FileResponse`` reads a file, so an edited part is
served on the next page load. The answer carries ``Cache-Control: no-cache`` with an ETag and a
Last-Modified date, as a single file's did: a browser revalidates it on every page load.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from fastapi.responses import Response

NO_CACHE = {"Cache-Control": "no-cache"}


@dataclass(frozen=True)
class Bundle:
    """One served asset: the files ``parts`` of ``folder``, joined in this order."""

    folder: Path
    parts: tuple[str, ...]
    media_type: str

    @property
    def paths(self) -> list[Path]:
        return [self.folder / name for name in self.parts]

    def text(self) -> str:
        return "\n".join(path.read_text(encoding="utf-8") for path in self.paths)

    def response(self, text: str | None = None) -> Response:
        """The bundle's text (or ``text``, made from it by the route) with its caching headers."""
        body = (self.text() if text is None else text).encode("utf-8")
        modified = max(path.stat().st_mtime for path in self.paths)
        headers = {
            **NO_CACHE,
            "ETag": f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"',
            "Last-Modified": formatdate(modified, usegmt=True),
        }
        return Response(body, media_type=self.media_type, headers=headers)
