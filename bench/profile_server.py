"""Run `streamlit run ...` with cProfile on every thread (each script run is a thread of its own) and write the
merged profile when the server stops: python bench/profile_server.py OUT.prof streamlit-args...

Used by `bench_viewers.py --profile OUT.prof`; read it with `python -m pstats OUT.prof` (sort cumtime).
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import threading

_PROFILES: list[cProfile.Profile] = []
_LOCK = threading.Lock()


def _start_in_thread(frame, event, arg) -> None:
    """Installed by threading.setprofile: the first event of a new thread starts its own profiler."""
    profile = cProfile.Profile()
    with _LOCK:
        _PROFILES.append(profile)
    profile.enable()


def _write(out: str) -> None:
    with _LOCK:
        profiles = list(_PROFILES)
    for profile in profiles:
        profile.disable()
    stats = None
    for profile in profiles:
        try:
            stats = pstats.Stats(profile) if stats is None else stats.add(profile)
        except TypeError:  # a thread's profiler that saw no call
            continue
    if stats is not None:
        stats.dump_stats(out)


def main() -> None:
    out, args = sys.argv[1], sys.argv[2:]
    threading.setprofile(_start_in_thread)
    main_profile = cProfile.Profile()
    _PROFILES.append(main_profile)
    sys.argv = ["streamlit", *args]
    from streamlit.web.cli import main as streamlit_main

    main_profile.enable()
    try:
        streamlit_main()
    finally:
        _write(out)


if __name__ == "__main__":
    main()
