"""The one set of status words shared by every result: verdicts, refutations, obstructions, proof checks.

* ``proved``: shown for every input (all horizons, or the stated scope), and the
  certificate passed an independent re-check;
* ``refuted``: a counterexample or a failed claim, re-simulated exactly or in
  certified ball arithmetic;
* ``checked``: held on finitely many instances (never called "proved");
* ``unknown``: the decision procedure stopped without an answer (timeout,
  resource limit, a step it cannot decide), with the reason;
* ``inconclusive``: a search that found nothing, with what it tried.

>>> STATUSES
('proved', 'refuted', 'checked', 'unknown', 'inconclusive')
>>> is_status("proved"), is_status("maybe")
(True, False)
>>> check_status("certified", OBSTRUCTION_STATUSES)
Traceback (most recent call last):
...
urnn_sym.errors.InvalidArgumentError: status: expected one of proved, inconclusive but found 'certified'
"""

from __future__ import annotations

from typing import Any, Literal, Protocol, get_args, runtime_checkable

from urnn_sym.errors import InvalidArgumentError

__all__ = [
    "CHECK_STATUSES",
    "OBSTRUCTION_STATUSES",
    "REFUTATION_STATUSES",
    "STATUSES",
    "VERDICT_STATUSES",
    "CheckStatus",
    "ObstructionStatus",
    "RefutationStatus",
    "Result",
    "Status",
    "VerdictStatus",
    "check_status",
    "is_status",
]

#: Every status word of every result.
Status = Literal["proved", "refuted", "checked", "unknown", "inconclusive"]
#: What an equivalence check answers.
VerdictStatus = Literal["proved", "refuted", "unknown"]
#: What a search for a distinguishing input answers.
RefutationStatus = Literal["refuted", "inconclusive"]
#: What an attempt at a Theorem 3 obstruction certificate answers.
ObstructionStatus = Literal["proved", "inconclusive"]
#: What one check of a proof-check script (``urnn_sym.proofkit``) answers.
CheckStatus = Literal["proved", "refuted", "checked", "unknown"]

STATUSES: tuple[str, ...] = get_args(Status)
VERDICT_STATUSES: tuple[str, ...] = get_args(VerdictStatus)
REFUTATION_STATUSES: tuple[str, ...] = get_args(RefutationStatus)
OBSTRUCTION_STATUSES: tuple[str, ...] = get_args(ObstructionStatus)
CHECK_STATUSES: tuple[str, ...] = get_args(CheckStatus)


def is_status(word: Any) -> bool:
    """Whether ``word`` is one of :data:`STATUSES`.

    Parameters
    ----------
    word : Any
        The candidate status word.
    """
    return isinstance(word, str) and word in STATUSES


def check_status(word: Any, allowed: tuple[str, ...] = STATUSES, *, name: str = "status") -> str:
    """Return ``word`` if it is one of ``allowed``; otherwise raise :class:`InvalidArgumentError`.

    Parameters
    ----------
    word : Any
        The candidate status word.
    allowed : tuple of str, default STATUSES
        The words this kind of result may say (e.g. :data:`VERDICT_STATUSES`).
    name : str, default "status"
        The argument's name, for the error message.

    Returns
    -------
    str
        ``word`` itself.

    Raises
    ------
    InvalidArgumentError
        If ``word`` is not a string in ``allowed`` (the message names the
        argument, the allowed words and the value found).

    Examples
    --------
    >>> check_status("proved", VERDICT_STATUSES)
    'proved'
    >>> check_status("checked", VERDICT_STATUSES)
    Traceback (most recent call last):
    ...
    urnn_sym.errors.InvalidArgumentError: status: expected one of proved, refuted, unknown but found 'checked'
    """
    if not isinstance(word, str) or word not in allowed:
        raise InvalidArgumentError(f"{name}: expected one of {', '.join(allowed)} but found {word!r:.60}")
    return word


@runtime_checkable
class Result(Protocol):
    """What every result offers: a status word, what decided it, and a JSON form."""

    status: str
    method: str

    def to_json(self) -> dict[str, Any]:
        """The result as a JSON-ready dict."""
        ...
