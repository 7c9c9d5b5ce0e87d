"""Wall-clock limits for a block of Python code: what ``--timeout`` of the ``urnn-sym`` commands runs on.

:func:`wall_clock_limit` raises :class:`DeadlineExceeded` in its block once the
block has run for the given number of seconds, wherever the Python code is
(encoding, sympy, ball arithmetic, waiting between z3 queries).  A call into C
(one z3 query, one FLINT routine) is not interrupted: it finishes first, so a
z3 query should get :func:`time_left` as its own time limit.  :func:`finishing`
marks the point where the answer is known, after which writing and printing it
are not interrupted.

>>> import time
>>> try:
...     with wall_clock_limit(0.05):
...         while True:
...             time.sleep(0.01)
... except DeadlineExceeded as exc:
...     print(str(exc).split(" reached")[0])
wall-clock timeout of 0.05 s
"""

from __future__ import annotations

import contextlib
import math
import signal
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import Any

from urnn_sym.errors import InvalidArgumentError

__all__ = ["MAX_TIMEOUT", "DeadlineExceeded", "finishing", "time_left", "wall_clock_limit"]

MAX_TIMEOUT = 1_000_000.0
"""The largest ``--timeout`` accepted, in seconds (about 11.5 days)."""

_REFIRE = 0.5  # seconds: once the limit is reached the alarm repeats, so a swallowed one fires again
_FINALIZER_RETRY = 0.01  # seconds: the alarm waits this long when it lands inside a __del__


class DeadlineExceeded(BaseException):
    """The wall-clock limit of :func:`wall_clock_limit` was reached (``urnn-sym`` answers exit 3).

    Derived from ``BaseException``, like ``KeyboardInterrupt``, so that no
    ``except Exception`` in urnn-sym or in a library it calls swallows it on its
    way out of the block; the alarm also repeats every half second until the
    block has ended, in case a bare ``except:`` (mpmath has some) caught it.
    """


class _Limit:
    """The wall-clock limit of one command run: its deadline and where the command was when it was reached."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.finishing = False  # the answer is known: writing and printing it are not interrupted
        self.closed = False  # the command has stopped
        self.where = "running the command"
        self.fired = False  # DeadlineExceeded was raised (library code may wrap it in its own exception)

    def due(self) -> bool:
        return not (self.finishing or self.closed) and time.monotonic() >= self.deadline

    def reason(self) -> str:
        return f"wall-clock timeout of {self.seconds:g} s reached while {self.where}"


class _Stack(threading.local):
    """The limits in force in the current thread, innermost last."""

    def __init__(self) -> None:
        self.limits: list[_Limit] = []


_ACTIVE = _Stack()


def time_left(default: float) -> float:
    """Seconds left before the running command's wall-clock limit; ``default`` when no limit is in force.

    Pass it as the ``timeout=`` of a library call (a z3 query is not
    interrupted by the alarm, only by its own time limit).

    Parameters
    ----------
    default : float
        What to return outside a limit.

    Returns
    -------
    float
        ``min(default, seconds left)``, at least a millisecond.

    Examples
    --------
    >>> time_left(20.0)
    20.0
    """
    if not _ACTIVE.limits:
        return default
    return max(min(default, _ACTIVE.limits[-1].deadline - time.monotonic()), 0.001)


@contextlib.contextmanager
def finishing() -> Iterator[None]:
    """The answer is known: the wall-clock limit no longer interrupts what follows (writing and printing it).

    A command wraps the writing of its output file and the printing of its
    answer in this block, so that a limit reached at that moment cannot leave
    an output file behind with exit 3.  The innermost limit of the current
    thread stays lifted until its block ends; outside a limit this does nothing.

    Examples
    --------
    >>> with wall_clock_limit(5.0), finishing():
    ...     print("the answer")
    the answer
    """
    if _ACTIVE.limits:
        _ACTIVE.limits[-1].finishing = True
    yield


@contextlib.contextmanager
def wall_clock_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`DeadlineExceeded` in the block when it has run for ``seconds`` of wall-clock time.

    Parameters
    ----------
    seconds : float
        The limit, ``0 < seconds <= MAX_TIMEOUT``.

    Raises
    ------
    DeadlineExceeded
        At the first Python instruction after the limit: in the main thread
        through ``SIGALRM`` (``signal.setitimer``; an alarm set by the caller,
        e.g. pytest-timeout's, is kept and still fires on time), in another
        thread through an asynchronous exception from a watchdog thread.  A
        call into C (a z3 query, a FLINT routine) finishes first.

    Examples
    --------
    >>> import time
    >>> try:
    ...     with wall_clock_limit(0.05):
    ...         while True:
    ...             time.sleep(0.01)
    ... except DeadlineExceeded:
    ...     print("stopped")
    stopped
    """
    if isinstance(seconds, bool) or not (isinstance(seconds, (int, float)) and 0 < seconds <= MAX_TIMEOUT):
        raise InvalidArgumentError(
            f"seconds: expected a number of seconds in (0, {MAX_TIMEOUT:.0f}] but found {seconds!r}"
        )
    limit = _Limit(float(seconds))
    in_main_thread = threading.current_thread() is threading.main_thread()
    enforce = _alarm if hasattr(signal, "setitimer") and in_main_thread else _watchdog
    _ACTIVE.limits.append(limit)
    try:
        with enforce(limit):
            try:
                yield
            except DeadlineExceeded:
                raise
            except Exception as exc:
                if limit.fired:
                    # the deadline was raised inside library code that wrapped it (ctypes turns it into
                    # "ArgumentError: argument 2: DeadlineExceeded ..."): it is still the timeout
                    raise DeadlineExceeded(limit.reason()) from exc
                raise
            finally:
                limit.closed = True
    finally:
        _ACTIVE.limits.remove(limit)


def _is_library(module: str) -> bool:
    """Whether ``module`` is urnn-sym library code (not the command line, not this module)."""
    if not module.startswith("urnn_sym.") or module in ("urnn_sym.__main__", __name__):
        return False
    return not (module == "urnn_sym.cli" or module.startswith("urnn_sym.cli_") or module.endswith(".cli"))


def _where(frame: FrameType | None) -> str:
    """``in urnn_sym.a.f (at urnn_sym.b.g)``: the outermost and innermost library functions running in ``frame``."""
    names = []
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if _is_library(module):
            names.append(f"{module}.{frame.f_code.co_qualname}")
        frame = frame.f_back
    if not names:
        return "running the command"
    return f"in {names[-1]}" if len(set(names)) == 1 else f"in {names[-1]} (at {names[0]})"


def _pass_on(handler: Any, signum: int, frame: FrameType | None) -> None:
    """Do what the SIGALRM disposition that was in force before the limit would have done."""
    if callable(handler):
        handler(signum, frame)
    elif handler != signal.SIG_IGN:  # SIG_DFL (or a handler not set from Python): the default action
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGALRM)


@contextlib.contextmanager
def _alarm(limit: _Limit) -> Iterator[None]:
    """Enforce ``limit`` in the main thread with SIGALRM, keeping any alarm that was already set."""
    previous = signal.getsignal(signal.SIGALRM)
    delay, interval = signal.setitimer(signal.ITIMER_REAL, 0)
    outer_due = time.monotonic() + delay if delay > 0 else math.inf

    def arm() -> None:
        now = time.monotonic()
        ours = math.inf if limit.finishing or limit.closed else max(limit.deadline - now, 0.0) or _REFIRE
        wait = min(ours, outer_due - now)
        if wait < math.inf:
            signal.setitimer(signal.ITIMER_REAL, max(wait, 0.0001))

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        nonlocal outer_due
        if time.monotonic() >= outer_due:  # the caller's alarm (e.g. pytest-timeout) is due: pass it on
            outer_due = outer_due + interval if interval > 0 else math.inf
            arm()
            _pass_on(previous, signum, frame)
        arm()
        if limit.due():
            if _in_finalizer(frame):
                # an exception raised inside __del__ is printed as "Exception ignored" and lost: fire again soon
                signal.setitimer(signal.ITIMER_REAL, _FINALIZER_RETRY)
                return
            limit.where = _where(frame)
            limit.fired = True
            raise DeadlineExceeded(limit.reason())

    signal.signal(signal.SIGALRM, on_alarm)
    try:
        arm()
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if outer_due < math.inf:
            signal.setitimer(signal.ITIMER_REAL, max(outer_due - time.monotonic(), 0.0001), interval)


def _in_finalizer(frame: FrameType | None) -> bool:
    """Whether the interrupted code runs inside a ``__del__`` (a finalizer that garbage collection called)."""
    depth = 0
    while frame is not None and depth < 64:
        if frame.f_code.co_name == "__del__":
            return True
        frame, depth = frame.f_back, depth + 1
    return False


def _with_reason(reason: str) -> type[DeadlineExceeded]:
    """A :class:`DeadlineExceeded` subclass whose no-argument instances carry ``reason`` (raised by class)."""

    def init(self: DeadlineExceeded) -> None:
        DeadlineExceeded.__init__(self, reason)

    return type("DeadlineExceeded", (DeadlineExceeded,), {"__init__": init})


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    """Raise ``exc`` asynchronously in a thread (CPython), or clear a pending one when ``exc`` is None."""
    import ctypes

    arg = ctypes.py_object(exc) if exc is not None else None
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), arg)


@contextlib.contextmanager
def _watchdog(limit: _Limit) -> Iterator[None]:
    """Enforce ``limit`` from a watchdog thread (no SIGALRM here: not the main thread, or not POSIX)."""
    target, stop = threading.get_ident(), threading.Event()
    try:
        import ctypes

        ctypes.pythonapi.PyThreadState_SetAsyncExc  # noqa: B018
    except (ImportError, AttributeError):  # not CPython: only the library's own time limits apply
        yield
        return

    def watch() -> None:
        if stop.wait(max(limit.deadline - time.monotonic(), 0.0)):
            return
        while not stop.is_set():
            if limit.due():
                limit.where = _where(sys._current_frames().get(target))
                limit.fired = True
                _raise_in(target, _with_reason(limit.reason()))
            if stop.wait(_REFIRE):
                return

    thread = threading.Thread(target=watch, name="urnn-sym-deadline", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        _raise_in(target, None)
