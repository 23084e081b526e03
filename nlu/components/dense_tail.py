"""A training matrix whose dense last columns are multiplied as a dense array.

The classifier's matrix is CSR: sparse n-gram, word and pattern columns, then
the 512 sentence-vector columns (nlu/components/sentence_vectors.py), which are
set in every row. Those are nine tenths of its stored values, and a CSR product
walks them one index at a time: the logistic regression's Newton-CG fit, which
is nothing but such products, took 40 of a 55 s training on the demo shop.

`DenseTailMatrix` is the same CSR matrix (scikit-learn validates and reads it as
one) that also keeps its sparse head as CSR and its tail as a dense array, and
computes `X @ M` and `M @ X` as the sum or the side-by-side of the two blocks:
BLAS for the dense block. The products are the same numbers up to the order of
floating-point additions (about 1e-12), so the fit takes the same steps: same
iterations, answers equal to about 1e-5 (tests/nlu/components/test_dense_tail.py).

Only for training: a parse multiplies one row, where the split costs more than it saves.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import scipy.sparse as sp


class DenseTailMatrix(sp.csr_matrix):
    """CSR matrix with its last `tail` columns also held dense, for faster products."""

    _head: sp.csr_matrix | None = None
    _tail: np.ndarray | None = None

    @classmethod
    def of(cls, matrix: sp.csr_matrix, tail: int) -> sp.csr_matrix:
        """`matrix` with its last `tail` columns kept dense (the matrix itself when `tail` is 0)."""
        if tail <= 0 or tail > matrix.shape[1]:
            return matrix
        split = cls(matrix)
        head_width = matrix.shape[1] - tail
        split._head = matrix[:, :head_width].tocsr()
        split._tail = np.ascontiguousarray(matrix[:, head_width:].toarray())
        return split

    def _blocks(self) -> tuple[sp.csr_matrix, np.ndarray] | None:
        # A matrix scipy derived from this one (a slice, a copy) has no blocks: plain CSR.
        if self._head is None or self._tail is None or self._head.shape[0] != self.shape[0]:
            return None
        return self._head, self._tail

    def _mul_vector(self, other: np.ndarray) -> np.ndarray:
        return self._blockwise(other, super()._mul_vector)

    def _mul_multivector(self, other: np.ndarray) -> np.ndarray:
        return self._blockwise(other, super()._mul_multivector)

    def _blockwise(self, other: np.ndarray, plain: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """`self @ other` as the sum of the two blocks' products (`plain` without blocks)."""
        blocks = self._blocks()
        if blocks is None:
            return plain(other)
        head, tail = blocks
        return head @ other[: head.shape[1]] + tail @ other[head.shape[1] :]

    def _rmul_dispatch(self, other: Any) -> Any:
        """`other @ self` for a dense 1-d or 2-d `other` (the fit's gradient and Hessian products)."""
        blocks = self._blocks()
        if blocks is None or not isinstance(other, np.ndarray) or other.ndim not in (1, 2):
            return super()._rmul_dispatch(other)
        head, tail = blocks
        return np.concatenate([other @ head, other @ tail], axis=-1)
