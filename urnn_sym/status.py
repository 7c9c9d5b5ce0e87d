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
"""

from __future__ import annotations

from typing import Any, Literal, Protocol, get_args, runtime_checkable

__all__ = [
    "STATUSES",
    "ObstructionStatus",
    "RefutationStatus",
    "Result",
    "Status",
    "VerdictStatus",
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

STATUSES: tuple[str, ...] = get_args(Status)


def is_status(word: Any) -> bool:
    """Whether ``word`` is one of :data:`STATUSES`.

    Parameters
    ----------
    word : Any
        The candidate status word.
    """
    return isinstance(word, str) and word in STATUSES


@runtime_checkable
class Result(Protocol):
    """What every result offers: a status word, what decided it, and a JSON form."""

    status: str
    method: str

    def to_json(self) -> dict[str, Any]:
        """The result as a JSON-ready dict."""
        ...
