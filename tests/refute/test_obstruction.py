"""Tests of urnn_sym.refute.obstruction: the Hankel pole-at-zero certificate and the ReLU contrast.

Certified claims are re-checked independently: the equilibrium by a 100-digit
mpmath fixed-point iteration, rank W by sympy, the certified minor by a 100-digit
mpmath determinant of the Hankel matrix built from that equilibrium.
"""

from __future__ import annotations

import json

import flint
import mpmath
import numpy as np
import pytest
import sympy

from urnn_sym import RNN
from urnn_sym.errors import (
    EntryTypeError,
    FileFormatError,
    HypothesisNotMetError,
    InvalidArgumentError,
    NotContractiveError,
    UnsupportedError,
)
from urnn_sym.refutation import recheck_obstruction
from urnn_sym.refute.obstruction import (
    HANKEL,
    MEMORYLESS,
    Obstruction,
    certified_minor,
    equilibrium_enclosure,
    relu_contrast,
    sigmoid_obstruction,
)
from urnn_sym.refute.smooth import sigmoid_witness
from urnn_sym.status import OBSTRUCTION_STATUSES, STATUSES, Result

pytestmark = pytest.mark.timeout(120)


def mp_matrix(M) -> mpmath.matrix:
    return mpmath.matrix([[mpmath.mpf(int(v.p)) / int(v.q) for v in row] for row in M.tolist()])


def mp_check(rnn: RNN, ob) -> None:
    """Recompute hbar, rank W and the certified minor independently at 100 digits."""
    exact = rnn.to_exact()
    assert sympy.Matrix(exact.matrices()["W"]).rank() == ob.rank_W
    with mpmath.workdps(100):
        W, F, b, C = (mp_matrix(getattr(exact, k)) for k in ("W", "F", "b", "C"))
        phi = {"sigmoid": lambda z: 1 / (1 + mpmath.exp(-z)), "tanh": mpmath.tanh}[rnn.activation]
        h = mpmath.matrix(rnn.n, 1)
        for _ in range(400):
            z = W * h + b
            h = mpmath.matrix([[phi(z[i, 0])] for i in range(rnn.n)])
        for value, text in zip(h, ob.equilibrium, strict=True):
            mid, rad = (mpmath.mpf(t.strip()) for t in text.strip("[]").split("+/-"))
            assert abs(value - mid) <= rad + mpmath.mpf(10) ** -90
        lam = [hi * (1 - hi) if rnn.activation == "sigmoid" else 1 - hi * hi for hi in h]
        A = mpmath.diag(lam) * W
        B = mpmath.diag(lam) * F
        n, d, p = rnn.n, rnn.d, rnn.p
        H = mpmath.matrix(n * p, n * d)
        for i in range(n):
            for j in range(n):
                block = C * A ** (i + j) * B
                for r in range(p):
                    for c in range(d):
                        H[i * p + r, j * d + c] = block[r, c]
        rows, cols = ob.minor["rows"], ob.minor["cols"]
        det = mpmath.det(mpmath.matrix([[H[i, j] for j in cols] for i in rows]))
        mid, rad = (mpmath.mpf(t.strip()) for t in ob.minor["det"].strip("[]").split("+/-"))
        assert abs(det - mid) <= rad + mpmath.mpf(10) ** -90 and abs(det) > 0
        assert ob.minor_order == len(rows) > ob.rank_W


def singular_sigmoid_rnn(n: int, seed: int, *, drop: int = 1) -> RNN:
    """A random contractive sigmoid RNN whose W has rank n - drop (columns repeated exactly)."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, n))
    A[:, n - drop :] = A[:, :1]
    W = 0.9 * A / np.linalg.norm(A, 2)
    return RNN(W, rng.normal(size=(n, 1)), rng.normal(size=n), rng.normal(size=(1, n)), activation="sigmoid")


@pytest.mark.parametrize(("n", "act"), [(1, "sigmoid"), (3, "sigmoid"), (1, "tanh"), (2, "tanh")])
def test_witness_is_certified(n: int, act: str) -> None:
    w = sigmoid_witness(n, activation=act)
    ob = sigmoid_obstruction(w)
    assert ob.status == "proved" and bool(ob)
    assert ob.method.startswith(HANKEL if act == "sigmoid" else MEMORYLESS)
    # the method says what proved it: the certificate in ball arithmetic and its independent re-check
    assert "certified nonzero in ball arithmetic (python-flint arb) at 128 bits" in ob.method
    assert "; re-checked: sympy rank over Q, certified ||W||_2 bound, python-flint arb at 256 bits" in ob.method
    assert ob.data["recheck"]["holds"] is True
    assert ob.rank_W == 0 and ob.minor_order == n
    assert ob.scope.startswith("no URNN with finitely many states whose activation has a nowhere-vanishing")
    mp_check(w, ob)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
@pytest.mark.parametrize("seed", [0, 1])
def test_random_rank_deficient_sigmoid_rnns_are_certified(n: int, seed: int) -> None:
    rnn = singular_sigmoid_rnn(n, seed, drop=1 + seed % 2 if n > 2 else 1)
    ob = sigmoid_obstruction(rnn)
    assert ob.status == "proved", ob.reason
    assert ob.scope.startswith("no sigmoid URNN with finitely many states")
    mp_check(rnn, ob)


def test_float_and_exact_parameters_agree() -> None:
    rnn = singular_sigmoid_rnn(3, 7)
    a, b = sigmoid_obstruction(rnn), sigmoid_obstruction(rnn.to_exact())
    assert a.to_json()["minor"] == b.to_json()["minor"] and a.equilibrium == b.equilibrium


@pytest.mark.parametrize("n", [1, 2, 4])
def test_invertible_w_is_inconclusive(n: int) -> None:
    rng = np.random.default_rng(n)
    Q = np.linalg.qr(rng.normal(size=(n, n)))[0]
    rnn = RNN(0.8 * Q, rng.normal(size=(n, 1)), rng.normal(size=n), rng.normal(size=(1, n)), activation="sigmoid")
    ob = sigmoid_obstruction(rnn)
    assert ob.status == "inconclusive" and not ob
    assert ob.reason.startswith(f"W is invertible (rank W = n = {n})")
    assert len(ob.equilibrium) == n and ob.minor_order is None


def test_uncontrollable_linearisation_is_inconclusive() -> None:
    rnn = singular_sigmoid_rnn(3, 2).replace(F=np.zeros((3, 1)))
    ob = sigmoid_obstruction(rnn, max_precision=256)
    assert ob.status == "inconclusive" and "no nonzero minor of H of order > rank W" in ob.reason


def test_tanh_with_memory_is_inconclusive() -> None:
    ob = sigmoid_obstruction(singular_sigmoid_rnn(3, 0).replace(activation="tanh"))
    assert ob.status == "inconclusive" and ob.reason.startswith("tanh with W != 0")


def test_tanh_memoryless_with_zero_lag0_jacobian_is_inconclusive() -> None:
    rnn = RNN([[0, 0], [0, 0]], [[1], [0]], [0, 0], [[0, 1]], activation="tanh")
    assert sigmoid_obstruction(rnn, max_precision=256).status == "inconclusive"


def test_equilibrium_enclosure_tanh_with_memory() -> None:
    rnn = RNN([["1/2", "1/4"], [0, "-1/3"]], [[1], [1]], ["1/5", "-1/7"], [[1, 1]], activation="tanh")
    box = equilibrium_enclosure(rnn, precision=128)
    with mpmath.workdps(60):
        h = [mpmath.mpf(0), mpmath.mpf(0)]
        for _ in range(600):
            h = [mpmath.tanh(h[0] / 2 + h[1] / 4 + mpmath.mpf(1) / 5), mpmath.tanh(-h[1] / 3 - mpmath.mpf(1) / 7)]
        for value, ball in zip(h, box, strict=True):
            assert abs(value - mpmath.mpf(ball.mid().str(50, radius=False))) <= float(ball.rad()) + 1e-40
            assert float(ball.rad()) < 1e-20


def test_json_document() -> None:
    doc = json.loads(json.dumps(sigmoid_obstruction(singular_sigmoid_rnn(2, 3)).to_json()))
    assert doc["format"] == "urnn-sym.obstruction/1" and doc["status"] == "proved"
    assert doc["rank_W"] == 1 and doc["minor"]["order"] == 2 and doc["precision"] == 128
    assert doc["rnn"]["activation"] == "sigmoid" and doc["data"]["contractive"]["holds"] is True
    assert len(doc["data"]["hankel"]) == 2


@pytest.mark.parametrize(
    ("rnn", "error", "match"),
    [
        (RNN([[0]], [[1]], [0], [[1]]), HypothesisNotMetError, "needs sigmoid or tanh but found 'relu'"),
        (RNN([[1]], [[1]], [0], [[1]], activation="sigmoid"), NotContractiveError, r"needs a contractive RNN"),
        (RNN([[0.5, 0.9], [0, 0]], [[1], [1]], [0, 0], [[1, 0]], activation="sigmoid"), NotContractiveError, "W:"),
        (RNN([[sympy.Symbol("w")]], [[1]], [0], [[1]], activation="sigmoid"), UnsupportedError, "free symbols"),
        ("rnn", EntryTypeError, "rnn: expected an RNN but found str"),
    ],
)
def test_bad_inputs(rnn, error, match) -> None:
    with pytest.raises(error, match=match):
        sigmoid_obstruction(rnn)


def test_certified_minor() -> None:
    assert certified_minor(flint.arb_mat([[0, 0], [0, 0]])) is None
    r, rows, cols, det = certified_minor(flint.arb_mat([[1, 2, 3], [2, 4, 6], [1, 0, 1]]))
    assert r == 2 and len(rows) == len(cols) == 2 and det.contains(0) is False
    assert certified_minor(flint.arb_mat([[flint.arb(0, 1e-3)]])) is None


def test_relu_contrast() -> None:
    story = relu_contrast(max_states=2)
    assert story.relu_urnn.n == 2 and story.relu_checks["agree"] is True
    assert [ref.length for ref in story.sigmoid_refutations] == [2, 3]
    assert story.obstruction.status == "proved"
    text = "\n".join(story.lines())
    assert "Theorem 1 gives a URNN with 2 states" in text and "no URNN of any size" in text
    assert json.loads(json.dumps(story.to_json()))["format"] == "urnn-sym.contrast/1"


# ------------------------------------------------------------------------------
# status words, the JSON round trip, the independent re-check
# ------------------------------------------------------------------------------


def test_obstructions_are_results_with_the_shared_words() -> None:
    proved = sigmoid_obstruction(sigmoid_witness())
    open_case = sigmoid_obstruction(RNN([["1/2"]], [[1]], [0], [[1]], activation="sigmoid"))
    for ob in (proved, open_case):
        assert isinstance(ob, Result) and ob.status in STATUSES and ob.status in OBSTRUCTION_STATUSES
        assert ob.to_json()["status"] == ob.status and ob.to_json()["method"] == ob.method
    assert (proved.status, open_case.status) == ("proved", "inconclusive")


@pytest.mark.parametrize("word", ["certified", "refuted", "unknown", "checked", "Proved", ""])
def test_obstruction_refuses_other_status_words(word: str) -> None:
    with pytest.raises(
        InvalidArgumentError, match=rf"^status: expected one of proved, inconclusive but found {word!r}"
    ):
        Obstruction(word, "m", "r", "sigmoid", 1)  # type: ignore[arg-type]


def test_json_round_trip_and_the_old_word() -> None:
    ob = sigmoid_obstruction(singular_sigmoid_rnn(2, 3))
    doc = json.loads(json.dumps(ob.to_json()))
    again = Obstruction.from_json(doc)
    assert again.to_json() == doc and again.status == "proved"
    # documents written before "proved" said "certified": read, and written back with the new word
    old = Obstruction.from_json({**doc, "status": "certified"})
    assert old.status == "proved" and old.to_json()["status"] == "proved"
    assert Obstruction.from_json({**doc, "status": "inconclusive"}).status == "inconclusive"


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"format": "urnn-sym.verdict/1"}, 'expected "format": "urnn-sym.obstruction/1"'),
        ({"status": "verified"}, "status: expected one of proved, inconclusive but found 'verified'"),
        ({"status": None}, "status: expected one of proved, inconclusive but found None"),
        ({"n": "2"}, "n: expected int but found '2'"),
        ({"minor": []}, "minor: expected dict but found"),
    ],
)
def test_from_json_refuses_malformed_documents(change, match) -> None:
    doc = sigmoid_obstruction(sigmoid_witness()).to_json()
    with pytest.raises(FileFormatError, match=match):
        Obstruction.from_json({**doc, **change})
    with pytest.raises(FileFormatError, match="missing required key 'method'"):
        Obstruction.from_json({k: v for k, v in doc.items() if k != "method"})


def test_recheck_refuses_a_tampered_certificate() -> None:
    doc = sigmoid_obstruction(singular_sigmoid_rnn(3, 1)).to_json()
    assert recheck_obstruction(doc)
    wrong_rank = recheck_obstruction({**doc, "rank_W": doc["rank_W"] - 1})
    assert not wrong_rank and "not the recorded" in wrong_rank.detail
    short = {**doc, "minor": {**doc["minor"], "rows": doc["minor"]["rows"][:-1], "cols": doc["minor"]["cols"][:-1]}}
    assert not recheck_obstruction(short)  # order rank W is no certificate
    far = {**doc, "equilibrium": ["[0.9 +/- 0]"] * len(doc["equilibrium"])}
    widened = recheck_obstruction(far)  # a wrong midpoint only widens the equilibrium balls: never unsound
    assert not widened and "which contains 0" in widened.detail
    assert not recheck_obstruction({k: v for k, v in doc.items() if k != "rnn"})
    zero = sigmoid_obstruction(RNN([[0, 0], ["1/2", 0]], [[1], [0]], [0, 0], [[0, 0]], activation="sigmoid"))
    assert zero.status == "inconclusive"  # C = 0, so H = 0: forge a certificate for it
    forged = {**zero.to_json(), "minor": {"rows": [0, 1], "cols": [0, 1]}, "precision": 128}
    refused = recheck_obstruction(forged)
    assert not refused and "contains 0" in refused.detail


def test_recheck_refuses_a_tanh_certificate_with_memory() -> None:
    """A tanh URNN need not converge to its equilibrium, so a Hankel minor proves nothing for tanh with W != 0.

    The document below is built exactly as the prover builds one (true equilibrium balls, a certified
    2 x 2 minor of H, rank W = 1 < 2), only for a network the prover declines: the re-check must decline too.
    """
    from urnn_sym.numbers.arith import working_precision
    from urnn_sym.refutation.simulate import enclosure_text
    from urnn_sym.refute.obstruction import hankel_ball

    rnn = RNN([[0, "1/2"], [0, 0]], [[0], [1]], ["1/3", "1/5"], [[1, 0]], activation="tanh").to_exact()
    assert sigmoid_obstruction(rnn).status == "inconclusive"
    hbar = equilibrium_enclosure(rnn, precision=128)
    with working_precision(128):
        found = certified_minor(hankel_ball(rnn, hbar, precision=128), at_least=2)
    assert found is not None
    r, rows, cols, det = found
    minor = {"order": r, "rows": rows, "cols": cols, "det": enclosure_text(det, 20)}
    equilibrium = [enclosure_text(h, 20) for h in hbar]
    doc = Obstruction("inconclusive", "forged", "forged", "tanh", 2, 1, r, minor, equilibrium, 128, "", {}, rnn)
    refused = recheck_obstruction(doc.to_json())
    assert not refused and "covers only W = 0 for tanh" in refused.detail
