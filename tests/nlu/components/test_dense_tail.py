"""The training matrix with a dense tail gives the products, and so the fit, of the plain matrix."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from nlu.components.dense_tail import DenseTailMatrix

ROWS, SPARSE, DENSE = 90, 300, 24


def _matrix(seed: int) -> sp.csr_matrix:
    """Sparse n-gram-like columns, then dense sentence-vector-like columns, as the classifier's."""
    rng = np.random.default_rng(seed)
    head = sp.random(ROWS, SPARSE, density=0.03, format="csr", random_state=rng)
    tail = sp.csr_matrix(rng.normal(size=(ROWS, DENSE)))
    return sp.hstack([head, tail], format="csr")


def test_products_are_the_plain_matrixs() -> None:
    plain = _matrix(1)
    split = DenseTailMatrix.of(plain, DENSE)
    rng = np.random.default_rng(2)
    vector, columns = rng.normal(size=SPARSE + DENSE), rng.normal(size=(SPARSE + DENSE, 5))
    row_vector, rows = rng.normal(size=ROWS), rng.normal(size=(5, ROWS))
    assert np.allclose(split @ vector, plain @ vector, rtol=0, atol=1e-12)
    assert np.allclose(split @ columns, plain @ columns, rtol=0, atol=1e-12)
    assert np.allclose(row_vector @ split, row_vector @ plain, rtol=0, atol=1e-12)
    assert np.allclose(rows @ split, rows @ plain, rtol=0, atol=1e-12)
    assert (split != plain).nnz == 0  # read as a sparse matrix, it is the same one


def test_a_matrix_derived_from_it_is_plain_and_still_right() -> None:
    plain = _matrix(3)
    split = DenseTailMatrix.of(plain, DENSE)
    columns = np.random.default_rng(4).normal(size=(SPARSE + DENSE, 3))
    assert np.allclose(split[10:20] @ columns, plain[10:20] @ columns)
    assert np.allclose(split.copy() @ columns, plain @ columns)


def test_no_tail_or_a_tail_wider_than_the_matrix_leaves_it_as_it_is() -> None:
    plain = _matrix(5)
    assert DenseTailMatrix.of(plain, 0) is plain
    assert DenseTailMatrix.of(plain, SPARSE + DENSE + 1) is plain


def test_the_fit_uses_the_dense_block_and_learns_the_same_model(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _matrix(6)
    labels = np.array(["ask_size", "complain", "greet"] * (ROWS // 3))
    options = {"solver": "newton-cg", "tol": 0.001, "class_weight": "balanced", "max_iter": 300}
    reference = LogisticRegression(**options).fit(plain, labels)

    split_products = []
    blocks = DenseTailMatrix._blocks
    monkeypatch.setattr(
        DenseTailMatrix, "_blocks", lambda self: split_products.append(1) or blocks(self), raising=True
    )
    fitted = LogisticRegression(**options).fit(DenseTailMatrix.of(plain, DENSE), labels)

    assert split_products, "scikit-learn multiplied through the dense block"
    assert list(fitted.n_iter_) == list(reference.n_iter_)
    assert np.allclose(fitted.coef_, reference.coef_, rtol=0, atol=1e-6)
    assert np.allclose(fitted.predict_proba(plain), reference.predict_proba(plain), rtol=0, atol=1e-6)
