"""A sound certificate that no finite URNN matches a given sigmoid RNN (math.md section 4).

For a contractive sigmoid RNN the zero-input trajectory converges to the
equilibrium ``hbar = sigma(W hbar + b)``; its linearisation there is
``A = Lambda W, B = Lambda F, C`` with ``Lambda = diag(hbar_i (1 - hbar_i))``.  A
sigmoid URNN's linearisation has ``A_u = Lambda_u U`` invertible (no pole at 0),
and equal input-output maps force equal Markov parameters ``C A^j B``.  With the
block Hankel matrix ``H = [C A^(i+j) B]`` (i, j < n) and its shift ``Hs``,
``rank Hs <= rank W``, while for any URNN the two ranks agree; so a certified
``rank H > rank W`` proves that **no sigmoid URNN of any size** matches the RNN.

:func:`sigmoid_obstruction` computes

1. ``||W||_2 < 1`` exactly (:func:`urnn_sym.construct.hypotheses.is_contractive`) and ``rank W``
   exactly over Q;
2. a rigorous enclosure of ``hbar``: a float fixed point ``h*``, the radius
   ``||T(h*) - h*|| / (1 - ||W||/4)`` of the contraction ``T(h) = sigma(W h + b)``
   (Lipschitz ``||W||_2 / 4``), then interval iterations ``B <- T(B) & B``;
3. ``H`` in ball arithmetic and a nonzero minor of order ``r > rank W``: rows and
   columns chosen by pivoted QR of the midpoints, the determinant enclosed by arb
   and certified when its ball excludes 0;
4. :func:`urnn_sym.refutation.recheck.recheck_obstruction`: an independent re-check of that certificate
   (its own equilibrium enclosure, Hankel entries and rank) before the answer
   says "proved"; if it does not confirm, the answer is "inconclusive".

tanh: a tanh URNN's zero-input trajectory need not converge, so the Hankel step
is not justified; only the memoryless case ``W = 0`` is certified (the dimension
growth argument, which needs a nonzero lag-0 Jacobian ``C diag(tanh'(b)) F``).
Everything else is "inconclusive" with the reason.

>>> from urnn_sym.refute.smooth import sigmoid_witness
>>> ob = sigmoid_obstruction(sigmoid_witness())
>>> ob.status, ob.rank_W, ob.minor_order
('proved', 0, 1)
>>> sigmoid_obstruction(RNN([["1/2"]], [[1]], [0], [[1]], activation="sigmoid")).reason
'W is invertible (rank W = n = 1): rank H <= n = rank W, so this certificate does not apply'
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, cast

import flint
import numpy as np
import scipy.linalg

from urnn_sym.construct.hypotheses import is_contractive
from urnn_sym.errors import (
    EntryTypeError,
    FileFormatError,
    HypothesisNotMetError,
    NotContractiveError,
    UnsupportedError,
    UrnnSymError,
)
from urnn_sym.evidence import jsonable
from urnn_sym.model import RNN
from urnn_sym.numbers.activations import ball_activation
from urnn_sym.numbers.arith import working_precision
from urnn_sym.numbers.norms import spectral_norm_upper_bound
from urnn_sym.refutation.recheck import recheck_obstruction
from urnn_sym.refutation.simulate import enclosure_text, rational_parameters
from urnn_sym.refute.linearize import rank
from urnn_sym.status import OBSTRUCTION_STATUSES, ObstructionStatus, check_status
from urnn_sym.validation import check_norm

__all__ = [
    "OBSTRUCTION_FORMAT",
    "Contrast",
    "Obstruction",
    "certified_minor",
    "equilibrium_enclosure",
    "hankel_ball",
    "relu_contrast",
    "sigmoid_obstruction",
]

OBSTRUCTION_FORMAT = "urnn-sym.obstruction/1"
HANKEL = "Hankel pole-at-zero certificate (math.md section 4)"
MEMORYLESS = "memoryless dimension growth dim Z_j = j + 1 (math.md section 4)"
#: Status words of old documents, read as their current word (``"certified"`` was written before ``"proved"``).
OLD_STATUS_WORDS = {"certified": "proved"}


@dataclass(frozen=True)
class Obstruction:
    """Outcome of :func:`sigmoid_obstruction`.

    Attributes
    ----------
    status : {"proved", "inconclusive"}
        "proved": no URNN of any size matches the RNN (see ``scope``); the
        certificate passed :func:`urnn_sym.refutation.recheck.recheck_obstruction`.
    method : str
        The argument used (Hankel pole at zero, or memoryless dimension growth);
        for "proved" also what certified it and what re-checked it.
    reason : str
        What was certified, or why the certificate does not apply.
    activation : str
    n : int
    rank_W : int or None
        Exact rank of W over Q.
    minor_order : int or None
        Order r of the certified nonzero minor of H (so ``rank H >= r``).
    minor : dict
        ``rows``, ``cols`` (0-based in H), ``det`` (decimal enclosure).
    equilibrium : list of str
        Decimal enclosures of ``hbar``.
    precision : int
        Bits of the ball arithmetic.
    scope : str
        The networks the certificate rules out.
    data : dict
        Contractivity check, Hankel enclosure, timings.
    rnn : RNN or None
    """

    status: ObstructionStatus
    method: str
    reason: str
    activation: str
    n: int
    rank_W: int | None = None
    minor_order: int | None = None
    minor: dict[str, Any] = field(default_factory=dict)
    equilibrium: list[str] = field(default_factory=list)
    precision: int = 0
    scope: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    rnn: RNN | None = None

    def __post_init__(self) -> None:
        check_status(self.status, OBSTRUCTION_STATUSES)

    def __bool__(self) -> bool:
        return self.status == "proved"

    def summary(self) -> str:
        """One human-readable line."""
        return f"{self.status}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        """The ``urnn-sym.obstruction/1`` document."""
        from urnn_sym.io import dump_rnn

        doc = {
            "format": OBSTRUCTION_FORMAT,
            "status": self.status,
            "method": self.method,
            "reason": self.reason,
            "scope": self.scope,
            "activation": self.activation,
            "n": self.n,
            "rank_W": self.rank_W,
            "minor_order": self.minor_order,
            "minor": jsonable(self.minor),
            "equilibrium": list(self.equilibrium),
            "precision": self.precision,
            "data": jsonable(self.data),
        }
        if self.rnn is not None:
            doc["rnn"] = dump_rnn(self.rnn)
        return doc

    @classmethod
    def from_json(cls, doc: Any, *, source: str = "obstruction") -> Obstruction:
        """Inverse of :meth:`to_json`; the old word ``"certified"`` is read as ``"proved"``.

        Parameters
        ----------
        doc : dict
            A ``urnn-sym.obstruction/1`` document.
        source : str, default "obstruction"
            Prefix of error messages (the file name).

        Raises
        ------
        FileFormatError
            Wrong format, a missing key, or a field of the wrong type or value.

        Examples
        --------
        >>> doc = {"format": OBSTRUCTION_FORMAT, "status": "certified", "method": "m", "reason": "r",
        ...        "activation": "sigmoid", "n": 1}
        >>> Obstruction.from_json(doc).status
        'proved'
        """
        from urnn_sym.io import load_rnn

        if not isinstance(doc, dict) or doc.get("format") != OBSTRUCTION_FORMAT:
            found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
            raise FileFormatError(f'{source}: expected "format": "{OBSTRUCTION_FORMAT}" but found {found!r}')
        for key in ("status", "method", "reason", "activation", "n"):
            if key not in doc:
                raise FileFormatError(f"{source}: missing required key {key!r}")
        status = doc["status"]
        status = OLD_STATUS_WORDS.get(status, status) if isinstance(status, str) else status
        try:
            return cls(
                status=cast(ObstructionStatus, check_status(status, OBSTRUCTION_STATUSES)),
                **{k: _typed(doc, k, str, source) for k in ("method", "reason", "activation")},
                n=_typed(doc, "n", int, source),
                rank_W=_typed(doc, "rank_W", int, source, None),
                minor_order=_typed(doc, "minor_order", int, source, None),
                minor=_typed(doc, "minor", dict, source, {}),
                equilibrium=[str(e) for e in _typed(doc, "equilibrium", list, source, [])],
                precision=_typed(doc, "precision", int, source, 0),
                scope=_typed(doc, "scope", str, source, ""),
                data=_typed(doc, "data", dict, source, {}),
                rnn=load_rnn(doc["rnn"], source=f"{source}: rnn") if "rnn" in doc else None,
            )
        except FileFormatError:
            raise
        except UrnnSymError as exc:
            raise FileFormatError(f"{source}: {exc}") from exc


def _typed(doc: dict[str, Any], key: str, kind: type, source: str, *default: Any) -> Any:
    """``doc[key]`` if it has type ``kind`` (or is null with a default); else :class:`FileFormatError`."""
    value = doc.get(key, default[0] if default else None)
    if default and value is None:
        return default[0]
    if isinstance(value, bool) or not isinstance(value, kind):
        raise FileFormatError(f"{source}: {key}: expected {kind.__name__} but found {value!r:.40}")
    return value


# ------------------------------------------------------------------------------
# ball-arithmetic building blocks
# ------------------------------------------------------------------------------


def _column(values: list[flint.arb]) -> flint.arb_mat:
    return flint.arb_mat([[v] for v in values])


def _map(activation: str, W: flint.arb_mat, b: flint.arb_mat, h: flint.arb_mat) -> list[flint.arb]:
    z = W * h + b
    return [ball_activation(activation, z[i, 0]) for i in range(z.nrows())]


def equilibrium_enclosure(rnn: RNN, *, precision: int = 128, iterations: int = 30) -> list[flint.arb]:
    """Balls that contain the zero-input equilibrium ``hbar = phi(W hbar + b)`` of a contractive RNN.

    Parameters
    ----------
    rnn : RNN
        Sigmoid or tanh, rational or float64 parameters, ``||W||_2 < 1``.
    precision : int
        Bits.
    iterations : int
        Interval refinements ``B <- T(B) & B`` after the contraction radius.

    Notes
    -----
    ``T(h) = phi(W h + b)`` is a contraction with constant ``L = ||W||_2 / 4``
    (sigmoid) or ``||W||_2`` (tanh), using a certified rational upper bound on
    ``||W||_2``; hence ``||hbar - h*||_2 <= ||T(h*) - h*||_2 / (1 - L)`` for any
    ``h*``, and every interval image of a box containing ``hbar`` contains it.

    Examples
    --------
    >>> from urnn_sym.refute.smooth import sigmoid_witness
    >>> equilibrium_enclosure(sigmoid_witness())[0].str(5)
    '0.50000'
    """
    params = rational_parameters(rnn)
    scale = Fraction(1, 4) if rnn.activation == "sigmoid" else Fraction(1)
    L = spectral_norm_upper_bound(params["W"]) * scale
    if L >= 1:
        raise NotContractiveError(f"W: the map h -> phi(W h + b) is not certified contractive (Lipschitz <= {L})")
    Wf = np.array([[float(v) for v in row] for row in params["W"].tolist()])
    bf = np.array([float(v) for v in params["b"].entries()])
    h = np.zeros(rnn.n)
    for _ in range(200):
        z = Wf @ h + bf
        h = 0.5 * (1 + np.tanh(0.5 * z)) if rnn.activation == "sigmoid" else np.tanh(z)
    with working_precision(precision):
        W, b = flint.arb_mat(params["W"]), flint.arb_mat(params["b"])
        hstar = _column([flint.arb(float(v)) for v in h])
        image = _map(rnn.activation, W, b, hstar)
        residual = sum(((t - hstar[i, 0]) ** 2 for i, t in enumerate(image)), flint.arb(0)).sqrt()
        radius = (residual / (1 - flint.arb(flint.fmpq(L.numerator, L.denominator)))).upper()
        box = [flint.arb(hstar[i, 0], radius) for i in range(rnn.n)]
        for _ in range(iterations):
            box = [
                new.intersection(old) for new, old in zip(_map(rnn.activation, W, b, _column(box)), box, strict=True)
            ]
    return box


def _derivatives(activation: str, hbar: list[flint.arb]) -> list[flint.arb]:
    """``phi'(z)`` at the equilibrium, written through ``hbar = phi(z)``."""
    return [h * (1 - h) if activation == "sigmoid" else 1 - h * h for h in hbar]


def hankel_ball(rnn: RNN, hbar: list[flint.arb], *, precision: int = 128) -> flint.arb_mat:
    """The block Hankel matrix ``[C A^(i+j) B]`` (i, j < n) of the linearisation at ``hbar``, in balls.

    Parameters
    ----------
    rnn : RNN
    hbar : list of flint.arb
        Enclosure of the equilibrium.
    precision : int
        Bits.
    """
    params = rational_parameters(rnn)
    n, d, p = rnn.n, rnn.d, rnn.p
    with working_precision(precision):
        lam = _derivatives(rnn.activation, hbar)
        Lam = flint.arb_mat(n, n, [lam[i] if i == j else 0 for i in range(n) for j in range(n)])
        A, B, C = Lam * flint.arb_mat(params["W"]), Lam * flint.arb_mat(params["F"]), flint.arb_mat(params["C"])
        markov, P = [], B
        for _ in range(2 * n - 1):
            markov.append(C * P)
            P = A * P
        H = flint.arb_mat(n * p, n * d)
        for i in range(n):
            for j in range(n):
                for r in range(p):
                    for c in range(d):
                        H[i * p + r, j * d + c] = markov[i + j][r, c]
    return H


def certified_minor(H: flint.arb_mat, *, at_least: int = 1) -> tuple[int, list[int], list[int], flint.arb] | None:
    """The largest ``r >= at_least`` with a certified nonzero r x r minor of the ball matrix H.

    Parameters
    ----------
    H : flint.arb_mat
    at_least : int
        Smallest order worth certifying.

    Returns
    -------
    (r, rows, cols, det) or None
        ``det`` is the arb enclosure of the minor; its ball excludes 0.

    Examples
    --------
    >>> r, rows, cols, det = certified_minor(flint.arb_mat([[1, 2], [2, 4], [0, 1]]))
    >>> r, rows, cols, det
    (2, [1, 2], [0, 1], 2.00000000000000)
    """
    mids = np.array([[float(H[i, j].mid()) for j in range(H.ncols())] for i in range(H.nrows())])
    if mids.size == 0 or not np.any(mids):
        return None
    for r in range(min(mids.shape), at_least - 1, -1):
        cols = sorted(int(c) for c in scipy.linalg.qr(mids, pivoting=True, mode="r")[1][:r])
        rows = sorted(int(c) for c in scipy.linalg.qr(mids[:, cols].T, pivoting=True, mode="r")[1][:r])
        det = flint.arb_mat([[H[i, j] for j in cols] for i in rows]).det()
        if not det.contains(0):
            return r, rows, cols, det
    return None


# ------------------------------------------------------------------------------
# the certificate
# ------------------------------------------------------------------------------

_SCOPE_SIGMOID = (
    "no sigmoid URNN with finitely many states is equivalent to this RNN on any ball of inputs "
    "||x(k)|| <= M, M > 0 (its linearised transfer function has a pole at 0; a sigmoid URNN's has none)"
)
_SCOPE_MEMORYLESS = (
    "no URNN with finitely many states whose activation has a nowhere-vanishing derivative (sigmoid, tanh) "
    "is equivalent to this memoryless RNN on any ball of inputs; an m-state URNN differs on an input of "
    "length <= m + 1"
)


def _check_rnn(rnn: Any) -> None:
    if not isinstance(rnn, RNN):
        raise EntryTypeError(f"rnn: expected an RNN but found {type(rnn).__name__}")
    if rnn.activation not in ("sigmoid", "tanh"):
        raise HypothesisNotMetError(
            f"activation: the obstruction certificate needs sigmoid or tanh but found {rnn.activation!r} "
            "(for contractive ReLU RNNs Theorem 1 constructs an equivalent URNN)"
        )
    if rnn.system == "symbolic":
        raise UnsupportedError("rnn: has free symbols; the obstruction certificate needs numeric parameters")


def sigmoid_obstruction(rnn: RNN, *, precision: int = 128, max_precision: int = 1024) -> Obstruction:
    """Certify that no URNN with finitely many states matches ``rnn`` (or say why that is not decided).

    Parameters
    ----------
    rnn : RNN
        Sigmoid or tanh activation, ``||W||_2 < 1``, rational or float64 parameters
        (floats are taken as their exact dyadic values).
    precision, max_precision : int
        First and last precision in bits (doubled while the minor's ball contains 0).

    Returns
    -------
    Obstruction
        "proved" with the evidence (only after
        :func:`urnn_sym.refutation.recheck.recheck_obstruction` confirmed it), or "inconclusive" with the reason.

    Raises
    ------
    HypothesisNotMetError
        The activation is not sigmoid or tanh.
    NotContractiveError
        ``||W||_2 < 1`` does not hold (the message gives the exact check).
    UnsupportedError
        Symbolic or irrational parameters.

    Notes
    -----
    math.md section 4.  Decided: sigmoid RNNs whose linearisation at the
    equilibrium has ``rank H > rank W`` (e.g. singular W with a controllable and
    observable linearisation), and memoryless (``W = 0``) sigmoid and tanh RNNs with
    ``C diag(phi'(b)) F != 0``.  Left open: invertible W, tanh with ``W != 0``,
    and ``rank H <= rank W``.
    """
    _check_rnn(rnn)
    start = time.perf_counter()
    params = rational_parameters(rnn)
    exact = rnn.to_exact()
    contractive = is_contractive(params["W"])
    if not contractive:
        raise NotContractiveError(
            f"W: the obstruction certificate needs a contractive RNN (||W||_2 < 1) but {contractive.detail}"
        )
    n, act = rnn.n, rnn.activation
    rank_W = rank(params["W"])
    memoryless = rank_W == 0
    method = MEMORYLESS if (act == "tanh" and memoryless) else HANKEL
    common: dict[str, Any] = {"activation": act, "n": n, "rank_W": rank_W, "rnn": exact}
    data: dict[str, Any] = {"contractive": contractive.to_json()}

    def result(status: ObstructionStatus, reason: str, **more: Any) -> Obstruction:
        data["seconds"] = round(time.perf_counter() - start, 4)
        return Obstruction(status, method, reason, data=data, **common, **more)

    if act == "tanh" and not memoryless:
        return result(
            "inconclusive",
            "tanh with W != 0: a tanh URNN's zero-input trajectory need not converge (Lipschitz 1), so the "
            "Hankel certificate is not justified; only memoryless tanh RNNs (W = 0) are certified",
        )
    bits = precision
    while True:
        hbar = equilibrium_enclosure(exact, precision=bits)
        H = hankel_ball(exact, hbar, precision=bits)
        with working_precision(bits):
            found = certified_minor(H, at_least=rank_W + 1) if rank_W < n else None
        enclosure = [enclosure_text(h, 20) for h in hbar]
        if found is not None or rank_W == n or bits * 2 > max_precision:
            break
        bits *= 2
    data["hankel"] = [[enclosure_text(H[i, j], 12) for j in range(H.ncols())] for i in range(H.nrows())]
    if rank_W == n:
        return result(
            "inconclusive",
            f"W is invertible (rank W = n = {n}): rank H <= n = rank W, so this certificate does not apply",
            equilibrium=enclosure,
            precision=bits,
        )
    if found is None:
        return result(
            "inconclusive",
            f"no nonzero minor of H of order > rank W = {rank_W} could be certified up to {bits} bits "
            "(for example the linearisation is not controllable or not observable)",
            equilibrium=enclosure,
            precision=bits,
        )
    r, rows, cols, det = found
    reason = (
        f"rank H >= {r} > rank W = {rank_W}: the minor on rows {rows}, columns {cols} of H is "
        f"{det.str(10)}, which excludes 0"
    )
    if method == MEMORYLESS:
        reason += "; the lag-0 Jacobian C diag(tanh'(b)) F is nonzero, so dim Z_j grows by one at every step"
    minor = {"order": r, "rows": rows, "cols": cols, "det": enclosure_text(det, 20)}
    scope = _SCOPE_MEMORYLESS if memoryless else _SCOPE_SIGMOID
    found_by = f"{method}: {r} x {r} minor of H certified nonzero in ball arithmetic (python-flint arb) at {bits} bits"
    claim = Obstruction("inconclusive", found_by, reason, act, n, rank_W, r, minor, enclosure, bits, scope, {}, exact)
    again = recheck_obstruction(claim.to_json())
    if not again:
        if os.environ.get("URNN_SYM_STRICT_RECHECK"):
            from urnn_sym.smt.recheck import SoundnessError

            raise SoundnessError(f"obstruction ({found_by}) failed the independent re-check: {again.detail}")
        return result("inconclusive", f"{reason}, but the independent re-check did not confirm it: {again.detail}")
    method = f"{found_by}; re-checked: {again.method}"
    data["recheck"] = again.to_json()
    return result("proved", reason, minor_order=r, minor=minor, equilibrium=enclosure, precision=bits, scope=scope)


# ------------------------------------------------------------------------------
# the ReLU contrast
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contrast:
    """Theorem 1 vs Theorem 3 on the same memoryless witness ``y(k) = phi(x(k))``.

    Attributes
    ----------
    relu_urnn : RNN
        The 2-state ReLU URNN of Theorem 1 (exact, orthogonal U).
    relu_checks : dict
        Orthogonality check and the exact agreement on test inputs.
    sigmoid_refutations : list of Refutation
        For m = 1..max_states: a certified distinguishing input against the
        m-state delay-line URNN (the best possible: it agrees on all inputs of length ``<= m``).
    obstruction : Obstruction
        The certificate for the sigmoid witness.
    """

    relu_urnn: RNN
    relu_checks: dict[str, Any]
    sigmoid_refutations: list[Any]
    obstruction: Obstruction

    def lines(self) -> list[str]:
        """The story, one line per fact."""
        out = [
            "ReLU  y(k) = relu(x(k)):  Theorem 1 gives a URNN with 2 states",
            f"  U = {self.relu_urnn.matrices()['W'].tolist()}  ({self.relu_checks['orthogonal']})",
            f"  exact agreement on {self.relu_checks['inputs']} random inputs of length <= "
            f"{self.relu_checks['length']}: {self.relu_checks['agree']}",
            "sigmoid  y(k) = sigma(x(k)):  no URNN of any size (Theorem 3)",
        ]
        for ref in self.sigmoid_refutations:
            out.append(
                f"  m = {ref.candidate.n}: the delay-line URNN agrees on every input of length <= {ref.candidate.n}, "
                f"differs at length {ref.length}: y({ref.time_step}) gap >= {ref.data['gap_lower']:.3e} "
                f"(disjoint balls, {ref.data['precision']} bits)"
            )
        out.append(f"  obstruction: {self.obstruction.summary()}")
        return out

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        from urnn_sym.io import dump_rnn

        return {
            "format": "urnn-sym.contrast/1",
            "relu": {"urnn": dump_rnn(self.relu_urnn), "checks": jsonable(self.relu_checks)},
            "sigmoid": {
                "refutations": [ref.to_json() for ref in self.sigmoid_refutations],
                "obstruction": self.obstruction.to_json(),
            },
        }


def relu_contrast(*, max_states: int = 4, input_bound: Any = 1, norm: str = "inf", seed: int = 0) -> Contrast:
    """ReLU has a 2-state URNN for ``y = relu(x)``; sigmoid has none for ``y = sigma(x)``: both with evidence.

    Parameters
    ----------
    max_states : int
        Largest delay-line candidate refuted (m = 1..max_states).
    input_bound : number
        M.
    norm : {"inf", "2"}
    seed : int
        Seed of the random test inputs of the ReLU side.

    Examples
    --------
    >>> c = relu_contrast(max_states=2)
    >>> c.relu_urnn.n, [ref.length for ref in c.sigmoid_refutations], c.obstruction.status
    (2, [2, 3], 'proved')
    """
    import random

    from urnn_sym.construct.theorem1 import construct_urnn
    from urnn_sym.model import simulate
    from urnn_sym.refute.smooth import delay_line_candidate, distinguishing_input_smooth, sigmoid_witness
    from urnn_sym.witnesses import lower_bound_witness

    norm = check_norm(norm)
    if isinstance(max_states, bool) or not isinstance(max_states, int) or max_states < 1:
        raise EntryTypeError(f"max_states: expected an integer >= 1 but found {max_states!r}")
    relu = lower_bound_witness(1)
    built = construct_urnn(relu, input_bound, norm=norm)
    M = Fraction(built.input_bound)
    rng = random.Random(seed)
    inputs = [[[M * Fraction(rng.randint(-64, 64), 64)] for _ in range(rng.randint(1, 6))] for _ in range(50)]
    agree = all((simulate(relu, xs) == simulate(built.urnn, xs)).all() for xs in inputs)
    checks = {"orthogonal": built.orthogonal.method, "inputs": len(inputs), "length": 6, "agree": agree}
    witness = sigmoid_witness()
    refs = [
        distinguishing_input_smooth(witness, delay_line_candidate(m), input_bound=input_bound, norm=norm)
        for m in range(1, max_states + 1)
    ]
    return Contrast(built.urnn, checks, refs, sigmoid_obstruction(witness))
