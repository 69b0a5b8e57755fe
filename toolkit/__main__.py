"""The ``toolkit`` console script and ``python -m toolkit``: the command line in a process that starts and
ends without needless work."""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
import threading
from typing import NoReturn


def run() -> NoReturn:
    """Run :func:`toolkit.cli.main` and exit with its code.

    The cycle collector is paused while the command line and the command's modules are imported (they make
    many objects and no garbage; the command resumes it, see ``toolkit.cli.LazyGroup.get_command``). Once the
    command is done, the exit handlers run and the output is flushed, and the process ends without the
    interpreter's teardown, which frees every object one by one (a few milliseconds per run) while nothing
    is left to clean: files and folders are closed or removed by the command itself. Where a thread is still
    running, or a profiler or debugger watches, the interpreter ends as usual.
    """
    gc.disable()
    from toolkit.cli import main

    code: object = 0
    try:
        main()
    except SystemExit as done:
        code = done.code
    if threading.active_count() > 1 or not isinstance(code, int) or sys.getprofile() or sys.gettrace():
        sys.exit(code)  # a thread to wait for, a message as the code, or a profiler or debugger that reports
        # when the program returns (python -m cProfile -m toolkit): the interpreter's usual way
    atexit._run_exitfuncs()  # what the interpreter would run first (a user's module may register some)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that stopped (`| head`), a closed stream
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
