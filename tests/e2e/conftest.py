"""One real stack (API, action server, Rasa server) for every end-to-end module: started once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live_stack import LiveStack, StackError


@pytest.fixture(scope="session")
def chat(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    try:
        with LiveStack(index_dir, tmp_path_factory.mktemp("e2e")) as stack:
            yield stack
    except StackError as exc:
        pytest.fail(str(exc))
