"""Tests of the LaTeX export (``urnn_sym.latex``) and ``urnn-sym latex``."""

from __future__ import annotations

import json
import re
from fractions import Fraction as Q

import numpy as np
import pytest
import sympy

from urnn_sym import RNN, construct_urnn
from urnn_sym.cli import main
from urnn_sym.cli.latex import standalone_document
from urnn_sym.construct.completion import unitary_completion
from urnn_sym.construct.rational import rational_defect_rnn
from urnn_sym.io import write_rnn
from urnn_sym.latex import block_latex, construction_latex, matrix_latex, rnn_latex
from urnn_sym.numbers.arith import as_sympy

pytestmark = pytest.mark.timeout(120)

EXAMPLE = RNN(W=[[Q(1, 2), Q(-1, 4)], [Q(1, 3), 0]], F=[[1], [Q(-1, 2)]], b=[0, Q(1, 8)], C=[[1, 2]])


def _line(tex: str, lhs: str) -> str:
    """The right-hand side of the last aligned line ``lhs &= ...`` (``U`` has a block line, then its entries)."""
    found = [line.removeprefix(f"{lhs} &= ") for line in tex.splitlines() if line.startswith(f"{lhs} &= ")]
    assert found, f"no line for {lhs!r} in\n{tex}"
    return found[-1]


def _matrix_tex(M: object) -> str:
    return sympy.latex(sympy.Matrix(as_sympy(M)))


def test_matrix_latex_exact_and_float() -> None:
    assert matrix_latex("A", EXAMPLE.matrices()["W"]) == (
        r"A = \left[\begin{matrix}\frac{1}{2} & - \frac{1}{4}\\\frac{1}{3} & 0\end{matrix}\right]"
    )
    assert matrix_latex("v", np.array([0.5, -2.0])) == r"v = \left[\begin{matrix}0.5\\-2.0\end{matrix}\right]"


def test_rnn_latex_lists_every_matrix_once() -> None:
    tex = rnn_latex(EXAMPLE, name="a")
    for key in ("W_{a}", "F_{a}", "b_{a}", "C_{a}", "h_{0,a}"):
        assert sum(line.startswith(f"{key} &= ") for line in tex.splitlines()) == 1
    assert tex.startswith(r"\begin{align*}") and tex.endswith(r"\end{align*}")
    assert r"\sigma\left(" in rnn_latex(EXAMPLE.replace(activation="sigmoid"))


def test_block_latex() -> None:
    assert block_latex("M", [["A", "B"]]) == r"M = \begin{bmatrix} A & B \end{bmatrix}"


def test_construction_blocks_are_the_completion_exactly() -> None:
    inst = rational_defect_rnn(2, 1, 1, seed=3)
    pair = construct_urnn(inst.rnn, 1, svd=inst.svd)
    tex = construction_latex(pair, full=True)
    completion = unitary_completion(inst.rnn.W, svd=inst.svd)
    W = sympy.Matrix(as_sympy(inst.rnn.W))
    assert _line(tex, "W").removesuffix(r" \\") == _matrix_tex(W)
    assert _line(tex, "D_W").removesuffix(r" \\") == _matrix_tex(completion.D)
    assert _line(tex, "D_{W^*}").removesuffix(r" \\") == _matrix_tex(completion.D_star)
    assert _line(tex, "-W^T").removesuffix(r" \\") == sympy.latex(-W.T)
    assert _line(tex, "U").removesuffix(r" \\") == _matrix_tex(pair.urnn.W)
    b2 = _line(tex, "b_2").split(r", \qquad")[0]
    assert b2 == sympy.latex(sympy.Matrix([sympy.Rational(v.numerator, v.denominator) for v in pair.b2]))
    assert _line(tex, "H").startswith(sympy.latex(sympy.Rational(pair.H.numerator, pair.H.denominator)) + ",")


def test_construction_minimal_names_generic_blocks() -> None:
    pair = construct_urnn(RNN([[0.5, 0.0], [0.0, 1.0]], [[1.0], [0.0]], [0.0, 0.0], [[1.0, 0.0]]), 1, minimal=True)
    tex = construction_latex(pair)
    assert "minimal completion" in tex and "D_W &=" not in tex
    assert _line(tex, "Y").count("&") == 1  # rank(I - W^T W) = 1 row, 2 columns
    assert "U &= \\left[" not in tex


def test_algebraic_entries_stay_exact() -> None:
    tex = construction_latex(construct_urnn(EXAMPLE, 1, completion="halmos"))
    assert r"\sqrt{21}" in _line(tex, "D_W")
    assert not re.search(r"\d\.\d", tex)


def test_ldl_pair_names_its_blocks_and_stays_exact() -> None:
    pair = construct_urnn(EXAMPLE, 1)
    tex = construction_latex(pair)
    assert r"B = \Lambda_P^{1/2} L_P^T" in tex and r"\sqrt{\lambda_i}" in tex
    assert _line(tex, "W").startswith(r"\left[")
    assert r"\sqrt{" in _line(tex, "B") and not re.search(r"\d\.\d", tex)


def test_cli_latex_model_and_pair(tmp_path, capsys) -> None:
    src = tmp_path / "rnn.json"
    write_rnn(EXAMPLE, src)
    assert main(["latex", str(src)]) == 0
    assert capsys.readouterr().out == rnn_latex(EXAMPLE) + "\n"
    assert main(["latex", str(src), "--theorem1", "--input-bound", "1"]) == 0
    assert capsys.readouterr().out == construction_latex(construct_urnn(EXAMPLE, 1)) + "\n"


def test_cli_latex_document_to_file(tmp_path, capsys) -> None:
    src, out = tmp_path / "my_rnn.json", tmp_path / "pair.tex"
    write_rnn(EXAMPLE, src)
    assert main(["latex", str(src), "--theorem1", "--input-bound", "1/2", "--document", "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    text = out.read_text()
    body = construction_latex(construct_urnn(EXAMPLE, Q(1, 2)))
    assert text == standalone_document(body, title=f"Theorem 1 pair: {src}")
    assert r"my\_rnn.json" in text and text.count(r"\begin{document}") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--theorem1"], "--theorem1 needs --input-bound M"),
        (["--full"], "--full applies only with --theorem1"),
        (["--norm", "2"], "--norm applies only with --theorem1"),
        (["--theorem1", "--input-bound", "0"], "input_bound"),
    ],
)
def test_cli_latex_bad_options(tmp_path, capsys, argv, message) -> None:
    src, out = tmp_path / "rnn.json", tmp_path / "out.tex"
    write_rnn(EXAMPLE, src)
    assert main(["latex", str(src), *argv, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_cli_latex_not_contractive(tmp_path, capsys) -> None:
    src = tmp_path / "rnn.json"
    src.write_text(json.dumps({"format": "urnn-sym.rnn/1", "W": [["2"]], "F": [["1"]], "b": ["0"], "C": [["1"]]}))
    assert main(["latex", str(src), "--theorem1", "--input-bound", "1"]) == 2
    assert "not contractive" in capsys.readouterr().err
