"""Reading a large file touches a few hundred MB of fresh arrays: keep that cost steady.

numpy asks Linux for transparent huge pages on large arrays (madvise). Where the kernel compacts
memory synchronously for such requests (THP defrag = madvise, as on the machine the benchmarks ran
on), a fault can stall: touching 288 MB of new arrays took 0.04-0.47 s from run to run with huge
pages and a steady 0.11 s without. `small_pages` turns the request off while a file is read.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

try:  # numpy's own switch (also NUMPY_MADVISE_HUGEPAGE=0 at import); absent: nothing to turn off
    from numpy._core.multiarray import _set_madvise_hugepage
except ImportError:  # pragma: no cover - other numpy layouts
    _set_madvise_hugepage = None


_lock = threading.Lock()
_readers = 0  # files being read now, in any thread
_before: list[bool] = []  # numpy's setting before the first of them started


@contextmanager
def small_pages() -> Iterator[None]:
    """No huge-page requests for numpy arrays allocated inside the block (process-wide while any
    thread is inside it; the setting from before comes back when the last one leaves)."""
    global _readers
    if _set_madvise_hugepage is None:
        yield
        return
    with _lock:
        if _readers == 0:
            _before[:] = [_set_madvise_hugepage(False)]
        _readers += 1
    try:
        yield
    finally:
        with _lock:
            _readers -= 1
            if _readers == 0:
                _set_madvise_hugepage(_before[0])
