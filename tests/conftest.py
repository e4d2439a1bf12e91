from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip saying it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared corpus is not beside this checkout")
    return path


@pytest.fixture(scope="session")
def shared_store() -> object:
    """The shared corpus (seeds and real letters) extracted and built into a store in memory."""
    from imr_graph.extract import extract_paths
    from imr_graph.models import CaseRecord
    from imr_graph.store import build, open_store

    folders = [shared_path("corpus", "seeds"), shared_path("corpus", "real")]
    records = [r for r in extract_paths(folders) if isinstance(r, CaseRecord)]
    store = open_store(None)
    build(records, store)
    return store


@pytest.fixture(scope="module")
def known() -> object:
    """The hand-counted records of tests/known.py in a store."""
    from known import known_records

    from imr_graph.store import build, open_store

    store = open_store(None)
    build(known_records(), store)
    return store


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The embedded sample letters and a hostile one (tests/views.py) in a store."""
    from views import sample_store

    return sample_store(tmp_path_factory.mktemp("samples"))
