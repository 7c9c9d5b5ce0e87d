"""Limits of the command line: ``--timeout`` bounds the whole command, sizes are bounded, no output replaces an input.

The timeout tests measure the wall-clock time of each run and compare it with
the limit plus a generous allowance (a correctness bound, not a benchmark).
Slow library calls are replaced by pure-Python loops that only the wall-clock
limit can stop (they give up, and fail the test, after a minute).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from clitools import run

from urnn_sym.cli import MAX_HORIZON, build_parser, main
from urnn_sym.cli.wallclock import DeadlineExceeded, finishing, time_left, wall_clock_limit
from urnn_sym.errors import InvalidArgumentError
from urnn_sym.io import atomic_write_text

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[2]
ALLOWANCE = 10.0  # seconds beyond the limit: reading the files, one z3 query finishing, a loaded machine
GIVE_UP = 60.0  # the stand-in for slow work stops by itself after this long (and then fails the test)


def _spin(*_: object, **__: object) -> Any:
    """Pure-Python work inside a broad ``except Exception``, as library code might have it."""
    end = time.monotonic() + GIVE_UP
    while time.monotonic() < end:
        with contextlib.suppress(Exception):  # a broad handler must not swallow the wall-clock limit
            sum(range(1000))
    raise AssertionError("the wall-clock limit did not stop the command")


def _swallow_once(*_: object, **__: object) -> Any:
    """A bare ``except`` (mpmath has some) that swallows the first alarm; the repeated alarm must still stop it."""
    with contextlib.suppress(BaseException):
        _spin()
    return _spin()


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory with a copy of ``examples/``."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _files(directory: Path) -> set[str]:
    return {str(p.relative_to(directory)) for p in directory.rglob("*")}


def _timed(capsys: Any, *argv: object) -> tuple[int, str, str, float]:
    start = time.monotonic()
    code, out, err = run(capsys, *argv)
    return code, out, err, time.monotonic() - start


def _assert_stopped(code: int, err: str, elapsed: float, limit: float, command: str) -> None:
    assert code == 3, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"urnn-sym {command}: unknown: wall-clock timeout of {limit:g} s reached while "), err
    assert elapsed < limit + ALLOWANCE, f"{command}: {elapsed:.1f} s for a limit of {limit:g} s"


# ------------------------------------------------------------------------------
# --timeout bounds the whole command
# ------------------------------------------------------------------------------


# the Halmos pair has nested radicals, so a long bounded check cannot finish within these limits (the LDL^T pair,
# with one radical per entry, is proved for every horizon in about 3 s on a loaded machine)
SLOW_PAIR = ["--completion", "halmos"]


@pytest.mark.slow
def test_check_timeout_bounds_encoding_and_solving(scratch: Path, capsys) -> None:
    code, _, _ = run(capsys, "construct", "examples/rnn_exact.json", "--input-bound", "1", *SLOW_PAIR, "-o", "U.json")
    assert code == 0
    before = _files(scratch)
    argv = ["check", "examples/rnn_exact.json", "U.json", "--input-bound", "1", "--horizon", MAX_HORIZON]
    code, out, err, elapsed = _timed(capsys, *argv, "--timeout", "2", "-o", "v.json")
    _assert_stopped(code, err, elapsed, 2, "check")
    assert "while in urnn_sym." in err and out == ""
    assert _files(scratch) == before  # no verdict file, no temporary file


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_console_script_timeout_includes_everything(scratch: Path) -> None:
    """The installed command, start-up included: the answer comes within the limit plus the start-up time."""
    cmd = [sys.executable, "-m", "urnn_sym"]
    made = subprocess.run(
        [*cmd, "construct", "examples/rnn_exact.json", "--input-bound", "1", *SLOW_PAIR, "-o", "U.json"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert made.returncode == 0, made.stderr
    start = time.monotonic()
    subprocess.run([*cmd, "--version"], capture_output=True, timeout=240)
    startup = time.monotonic() - start
    before, limit = _files(scratch), ["--timeout", "3", "-o", "v.json"]
    start = time.monotonic()
    res = subprocess.run(
        [*cmd, "check", "examples/rnn_exact.json", "U.json", "--input-bound", "1", "--horizon", "1000", *limit],
        capture_output=True,
        text=True,
        timeout=240,
    )
    elapsed = time.monotonic() - start
    assert res.returncode == 3, res.stderr
    assert res.stderr.count("\n") == 1 and "wall-clock timeout of 3 s reached while" in res.stderr
    assert elapsed < 3 + 2 * startup + ALLOWANCE, f"{elapsed:.1f} s (start-up {startup:.1f} s)"
    assert _files(scratch) == before


def _slow_commands() -> list[tuple[str, list[str], str]]:
    """``(command, argv, what to slow down)`` for every command with ``--timeout`` (check: its own test)."""
    stacked = ["examples/stacked.json", "-o", "out.json"]
    return [
        ("refute", ["examples/rnn_exact.json", "examples/rnn_exact.json", "--input-bound", "1", "-o", "r.json"], "w"),
        ("construct", ["examples/rnn_exact.json", "--input-bound", "1", "-o", "u.json"], "c"),
        ("latex", ["examples/rnn_exact.json", "--theorem1", "--input-bound", "1", "-o", "p.tex"], "c"),
        ("obstruction", ["examples/sigmoid_chain.json", "--json"], "o"),
        ("stack-to-single", stacked, "s1"),
        ("stack-to-urnn", [*stacked, "--input-bound", "1"], "su"),
    ]


# the commands import their workers when they run, so a stand-in replaces the worker where it is defined
_TARGETS = {
    "w": ("urnn_sym.refute.distinguish", "distinguishing_input"),
    "c": ("urnn_sym.construct.theorem1", "construct_urnn"),
    "o": ("urnn_sym.refute.obstruction", "sigmoid_obstruction"),
    "s1": ("urnn_sym.stacked.delay", "to_delayed_single_layer"),
    "su": ("urnn_sym.stacked.urnn", "stack_to_urnn"),
}


@pytest.mark.parametrize(("command", "argv", "target"), _slow_commands(), ids=[c[0] for c in _slow_commands()])
@pytest.mark.parametrize("slow", [_spin, _swallow_once], ids=["spin", "swallowed-once"])
def test_every_timeout_stops_the_command(
    scratch: Path, capsys, monkeypatch, command: str, argv: list[str], target: str, slow: Callable[..., Any]
) -> None:
    monkeypatch.setattr(".".join(_TARGETS[target]), slow)
    before = _files(scratch)
    code, out, err, elapsed = _timed(capsys, command, *argv, "--timeout", "1")
    _assert_stopped(code, err, elapsed, 1, command)
    assert out == "" and _files(scratch) == before


def test_prove_timeout_is_not_swallowed_by_the_check_runner(tmp_path: Path, capsys) -> None:
    """proofkit reports any ``Exception`` of a check as a failure: the wall-clock limit passes through it."""
    (tmp_path / "slow.py").write_text(
        "import time\n"
        "from urnn_sym.proofkit import Script, proved\n"
        "script = Script('slow', 'a check that takes long')\n"
        "@script.check('spins')\n"
        "def spins():\n"
        f"    end = time.monotonic() + {GIVE_UP}\n"
        "    while time.monotonic() < end:\n"
        "        pass\n"
        "    return proved('never', method='none')\n"
    )
    code, _, err, elapsed = _timed(capsys, "prove", "slow", "--proofs-dir", tmp_path, "--timeout", "1")
    _assert_stopped(code, err, elapsed, 1, "prove")


def test_refute_passes_the_time_left_to_the_solver(scratch: Path, capsys, monkeypatch) -> None:
    seen: list[float] = []

    def record(*args: object, timeout: float, **kwargs: object) -> Any:
        seen.append(timeout)
        return _spin()

    monkeypatch.setattr("urnn_sym.refute.distinguish.distinguishing_input", record)
    code, _, err, elapsed = _timed(
        capsys, "refute", "examples/rnn_exact.json", "examples/rnn_exact.json", "--input-bound", "1", "--timeout", "2"
    )
    _assert_stopped(code, err, elapsed, 2, "refute")
    assert len(seen) == 1 and 0 < seen[0] <= 2


def test_an_answer_found_in_time_is_written_in_full(scratch: Path, capsys, monkeypatch) -> None:
    """The limit reached while the answer is being written: the file is completed and the command succeeds."""
    import urnn_sym.construct.theorem1
    import urnn_sym.io
    from urnn_sym.construct.theorem1 import construct_urnn
    from urnn_sym.io import read_rnn

    ready = construct_urnn(read_rnn("examples/rnn_exact.json"), 1)  # the answer, found before the limit starts
    monkeypatch.setattr(urnn_sym.construct.theorem1, "construct_urnn", lambda *args, **kwargs: ready)

    def slow_write(path: Any, text: str) -> None:
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            pass
        atomic_write_text(path, text)

    monkeypatch.setattr(urnn_sym.io, "atomic_write_text", slow_write)
    before = _files(scratch)
    argv = ["construct", "examples/rnn_exact.json", "--input-bound", "1", "-o", "u.json", "--timeout", "1"]
    code, out, err = run(capsys, *argv)
    assert code == 0 and err == "" and out.startswith("wrote u.json: URNN with 4 states")
    assert json.loads((scratch / "u.json").read_text())["format"] == "urnn-sym.rnn/1"
    assert _files(scratch) == before | {"u.json"}


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "out.json"
    target.write_text("old\n")
    real_chmod = os.chmod

    def slow_chmod(path: Any, mode: int) -> None:  # inside atomic_write_bytes, after the temporary file is written
        end = time.monotonic() + GIVE_UP
        while time.monotonic() < end:
            pass
        real_chmod(path, mode)

    monkeypatch.setattr(os, "chmod", slow_chmod)
    with pytest.raises(DeadlineExceeded), wall_clock_limit(0.3):
        atomic_write_text(target, "new\n")
    assert target.read_text() == "old\n" and os.listdir(tmp_path) == ["out.json"]


# ------------------------------------------------------------------------------
# the mechanism: nesting with other alarms, threads, the library helpers
# ------------------------------------------------------------------------------


class _Outer(BaseException):
    """Raised by the caller's own alarm."""


@pytest.fixture
def own_alarm() -> Any:
    """Replace pytest-timeout's alarm by the test's own for the test's duration, then put it back."""
    handler = signal.getsignal(signal.SIGALRM)
    delay, interval = signal.setitimer(signal.ITIMER_REAL, 0)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, handler)
    if delay > 0:
        signal.setitimer(signal.ITIMER_REAL, delay, interval)


def _raise_outer(signum: int, frame: Any) -> None:
    raise _Outer


def test_a_callers_alarm_survives_the_limit(own_alarm, scratch: Path, capsys, monkeypatch) -> None:
    signal.signal(signal.SIGALRM, _raise_outer)
    signal.setitimer(signal.ITIMER_REAL, 60)
    monkeypatch.setattr("urnn_sym.construct.theorem1.construct_urnn", _spin)
    code, _, err = run(capsys, "construct", "examples/rnn_exact.json", "--input-bound", "1", "--timeout", "0.5")
    assert code == 3 and "wall-clock timeout of 0.5 s" in err
    assert signal.getsignal(signal.SIGALRM) is _raise_outer
    assert 50 < signal.getitimer(signal.ITIMER_REAL)[0] <= 60


def test_a_callers_earlier_alarm_still_fires(own_alarm, scratch: Path, capsys, monkeypatch) -> None:
    signal.signal(signal.SIGALRM, _raise_outer)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    monkeypatch.setattr("urnn_sym.construct.theorem1.construct_urnn", _spin)
    start = time.monotonic()
    with pytest.raises(_Outer):
        main(["construct", "examples/rnn_exact.json", "--input-bound", "1", "--timeout", "30"])
    assert time.monotonic() - start < 0.3 + ALLOWANCE
    assert signal.getsignal(signal.SIGALRM) is _raise_outer


def test_outside_the_main_thread_a_watchdog_stops_the_command(scratch: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr("urnn_sym.construct.theorem1.construct_urnn", _swallow_once)
    codes: list[int] = []
    argv = ["construct", "examples/rnn_exact.json", "--input-bound", "1", "-o", "u.json", "--timeout", "1"]
    thread = threading.Thread(target=lambda: codes.append(main(argv)))
    start = time.monotonic()
    thread.start()
    thread.join(GIVE_UP + 10)
    elapsed = time.monotonic() - start
    err = capsys.readouterr().err
    _assert_stopped(codes[0], err, elapsed, 1, "construct")
    assert not (scratch / "u.json").exists()


def test_library_helpers() -> None:
    assert time_left(7.0) == 7.0
    with wall_clock_limit(5.0):
        assert 0 < time_left(60.0) <= 5.0 and time_left(1.0) == 1.0
        with finishing():
            end = time.monotonic() + 0.2
            while time.monotonic() < end:
                pass
    for bad in (0, -1, float("nan"), float("inf"), True, "5"):
        with (
            pytest.raises(InvalidArgumentError, match="seconds: expected a number of seconds in"),
            wall_clock_limit(bad),  # type: ignore[arg-type]
        ):
            pass


def test_a_finished_block_leaves_no_alarm(own_alarm) -> None:
    with wall_clock_limit(0.2):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    time.sleep(0.4)  # an alarm left behind would raise here


# ------------------------------------------------------------------------------
# which commands have --timeout, and what it accepts
# ------------------------------------------------------------------------------


def _commands() -> dict[str, Any]:
    parser = build_parser()
    return dict(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]


TIMED = {"check", "recheck", "refute", "construct", "latex", "obstruction", "stack-to-single", "stack-to-urnn", "prove"}


def test_the_commands_with_timeout() -> None:
    found = {name for name, p in _commands().items() if any("--timeout" in a.option_strings for a in p._actions)}
    assert found == TIMED
    for name in TIMED - {"check", "recheck"}:
        help_text = _commands()[name].format_help()
        assert "wall-clock limit in seconds for the whole command" in " ".join(help_text.split()), name


_ARGV = {
    "check": ["examples/rnn_exact.json", "examples/rnn_exact.json", "--input-bound", "1", "--horizon", "1"],
    "recheck": ["examples/rnn_exact.json"],
    "refute": ["examples/rnn_exact.json", "examples/rnn_exact.json", "--input-bound", "1"],
    "construct": ["examples/rnn_exact.json", "--input-bound", "1"],
    "latex": ["examples/rnn_exact.json"],
    "obstruction": ["examples/sigmoid_chain.json"],
    "stack-to-single": ["examples/stacked.json", "-o", "o.json"],
    "stack-to-urnn": ["examples/stacked.json", "-o", "o.json", "--input-bound", "1"],
    "prove": ["model"],
}


@pytest.mark.parametrize("command", sorted(TIMED))
@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e7", "soon"])
def test_bad_timeout_values(scratch: Path, capsys, command: str, value: str) -> None:
    before = _files(scratch)
    code, out, err = run(capsys, command, *_ARGV[command], f"--timeout={value}")
    assert code == 2 and out == "" and err.count("\n") == 1 and "--timeout" in err, err
    assert _files(scratch) == before


BAD_SIZES = [
    (
        ["witness", "lower-bound", "100000"],
        "argument N: expected an integer number of states in 1..256 but found 100000",
    ),
    (["witness", "sigmoid", "257"], "argument N: expected an integer number of states in 1..256 but found 257"),
    (["refute", "a", "b", "--input-bound", "1", "--horizon", "10001"], "--horizon: expected an integer in 1..10000"),
    (["stack-to-single", "s", "-o", "o", "--z3-horizon", "10001"], "--z3-horizon: expected an integer in 0..10000"),
    (["stack-to-single", "s", "-o", "o", "--z3-horizon", "-1"], "--z3-horizon: expected an integer in 0..10000"),
    (["obstruction", "r", "--precision", "65537"], "--precision: expected an integer number of bits <= 65536"),
    (["enrnn-route", "r", "--q", "-1"], "--q: expected an integer >= 0 but found -1"),
    (["experiment", "fig2", "--realizations", "1001"], "--realizations: expected an integer <= 1000 but found 1001"),
    (["experiment", "fig2", "--epochs", "1000001"], "--epochs: expected an integer <= 1000000 but found 1000001"),
    (["experiment", "fig2", "--jobs", "65"], "--jobs: expected an integer <= 64 but found 65"),
    (["refute", "a", "b", "--input-bound", "1", "--horizon", "9" * 5000], "(5000 characters)"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_SIZES, ids=[" ".join(a[:1] + a[-2:])[:40] for a, _ in BAD_SIZES])
def test_sizes_are_bounded(scratch: Path, capsys, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err
    assert len(err) < 300


# ------------------------------------------------------------------------------
# an output never overwrites an input
# ------------------------------------------------------------------------------

_SAME = [
    ("construct", ["construct", "{in}", "--input-bound", "1", "-o", "{out}"]),
    ("latex", ["latex", "{in}", "-o", "{out}"]),
    ("refute", ["refute", "examples/urnn_1state.json", "{in}", "--input-bound", "1", "-o", "{out}"]),
    ("check", ["check", "{in}", "examples/rnn_exact.json", "--input-bound", "1", "--horizon", "1", "-o", "{out}"]),
    ("stack-to-single", ["stack-to-single", "{in}", "-o", "{out}"]),
]


@pytest.mark.parametrize("spelling", ["same", "dot-slash", "absolute", "symlink", "hard link"])
@pytest.mark.parametrize(("command", "argv"), _SAME, ids=[c for c, _ in _SAME])
def test_output_equal_to_an_input_is_refused(
    scratch: Path, capsys, command: str, argv: list[str], spelling: str
) -> None:
    source = "examples/stacked.json" if command == "stack-to-single" else "examples/rnn_exact.json"
    shutil.copy(source, "x.json")
    out = {"same": "x.json", "dot-slash": "./x.json", "absolute": str(scratch / "x.json")}.get(spelling, "y.json")
    if spelling == "symlink":
        os.symlink("x.json", "y.json")
    elif spelling == "hard link":
        os.link("x.json", "y.json")
    content, before = Path("x.json").read_bytes(), _files(scratch)
    code, stdout, err = run(capsys, *[a.format(**{"in": "x.json", "out": out}) for a in argv])
    assert code == 2 and stdout == "" and err.count("\n") == 1, err
    assert f"urnn-sym {command}: error: -o/--output: expected a path other than the input files but found" in err
    assert "the same file as" in err
    assert Path("x.json").read_bytes() == content and _files(scratch) == before


def test_a_different_output_is_written(scratch: Path, capsys) -> None:
    code, _, err = run(capsys, "construct", "examples/rnn_exact.json", "--input-bound", "1", "-o", "x.json")
    assert code == 0 and err == ""
    code, _, err = run(capsys, "construct", "examples/rnn_exact.json", "--input-bound", "1", "-o", "x.json")
    assert code == 0 and err == ""  # replacing an earlier output (not an input) is fine


@pytest.mark.timeout(60)
def test_a_deadline_inside_a_finalizer_is_not_lost_or_printed(capsys) -> None:
    # z3's Solver.__del__ once took the alarm: Python printed "Exception ignored in ..." on stderr
    class Slow:
        def __del__(self) -> None:
            end = time.monotonic() + 0.4
            while time.monotonic() < end:
                pass

    with pytest.raises(DeadlineExceeded), wall_clock_limit(0.1):
        Slow()  # the finalizer runs at once and spans the deadline
        end = time.monotonic() + 5
        while time.monotonic() < end:
            pass
    assert "Exception ignored" not in capsys.readouterr().err


def test_a_deadline_wrapped_by_library_code_is_still_the_timeout():
    """ctypes wraps an exception raised while it converts arguments ("ArgumentError: argument 2:
    DeadlineExceeded ..."); once the deadline has fired, such an exception is reported as the timeout."""
    import ctypes
    import time

    from urnn_sym.cli.wallclock import DeadlineExceeded, wall_clock_limit

    with pytest.raises(DeadlineExceeded) as info, wall_clock_limit(0.05):
        try:
            while True:
                time.sleep(0.005)
        except DeadlineExceeded as exc:
            raise ctypes.ArgumentError(f"argument 2: DeadlineExceeded: {exc}") from None
    assert "wall-clock timeout of 0.05 s" in str(info.value)
    with pytest.raises(ValueError), wall_clock_limit(5):  # before the deadline, other errors pass unchanged
        raise ValueError("not a timeout")
