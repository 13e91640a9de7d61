"""nn.utils.rnn against torch: packing, padding and their inverses (values, lengths, indices,
gradients), PackedSequence's tuple layout and conversions, and the error messages."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.utils.rnn as TU

import ember
from ember.nn.utils import rnn as EU

from ..oracle import check, check_gradcheck

RNG = np.random.default_rng(5)


def arr(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def U(lib):
    return EU if lib is ember else TU


def packed_fields(p):
    """The tensors of a PackedSequence, None fields left out."""
    return [t for t in p if t is not None]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize(
    "lengths,enforce_sorted",
    [([5, 3, 3, 1], True), ([2, 5, 1, 4], False), ([3, 3, 3, 3], True), ([1, 1, 4, 1], False)],
)
def test_pack_padded_sequence_matches_torch(batch_first, lengths, enforce_sorted):
    shape = (4, 5, 2) if batch_first else (5, 4, 2)

    def fn(lib, x):
        p = U(lib).pack_padded_sequence(
            x * 2, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted
        )
        return packed_fields(p)

    check(fn, arr(*shape))


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("padding_value,total_length", [(0.0, None), (-1.5, 7)])
def test_pad_packed_sequence_round_trip_matches_torch(
    batch_first, enforce_sorted, padding_value, total_length
):
    lengths = [4, 4, 2, 1] if enforce_sorted else [2, 4, 1, 4]

    def fn(lib, x):
        lengths_t = lib.tensor(lengths)  # a tensor of lengths, not a list, this time
        p = U(lib).pack_padded_sequence(
            x, lengths_t, batch_first=batch_first, enforce_sorted=enforce_sorted
        )
        return U(lib).pad_packed_sequence(
            p, batch_first=batch_first, padding_value=padding_value, total_length=total_length
        )

    check(fn, arr(4, 4, 3) if batch_first else arr(4, 4, 3))


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
@pytest.mark.parametrize("trailing", [(), (2, 3)])
def test_pad_sequence_matches_torch(batch_first, padding_side, trailing):
    seqs = [arr(3, *trailing), arr(1, *trailing), arr(4, *trailing)]
    check(
        lambda lib, a, b, c: U(lib).pad_sequence(
            [a, b, c], batch_first=batch_first, padding_value=0.5, padding_side=padding_side
        ),
        *seqs,
    )


def test_pad_sequence_of_a_tensor_and_int_dtype():
    check(lambda lib, x: U(lib).pad_sequence(x), arr(3, 2, 4))
    check(
        lambda lib, a, b: U(lib).pad_sequence([a, b], batch_first=True, padding_value=7),
        np.arange(3),
        np.arange(5),
    )


@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_and_unpack_sequence_match_torch(enforce_sorted):
    seqs = (
        [arr(4, 2), arr(2, 2), arr(1, 2)] if enforce_sorted else [arr(2, 2), arr(4, 2), arr(1, 2)]
    )

    def fn(lib, a, b, c):
        p = U(lib).pack_sequence([a, b, c], enforce_sorted=enforce_sorted)
        return [*packed_fields(p), *U(lib).unpack_sequence(p)]

    check(fn, *seqs)


@pytest.mark.parametrize("batch_first", [False, True])
def test_unpad_sequence_matches_torch(batch_first):
    def fn(lib, x):
        padded = x * 1
        out = U(lib).unpad_sequence(padded, lib.tensor([3, 1, 2]), batch_first=batch_first)
        out[0].mul_(2)  # a copy: the padded tensor is untouched
        # (torch transposes a time-first ``padded`` in place; ember leaves it as it was)
        return [*out, padded] if batch_first else out

    check(fn, arr(3, 3, 2))


def test_invert_permutation_and_packed_sequence_fields():
    perm = [2, 0, 3, 1]
    assert (
        EU.invert_permutation(ember.tensor(perm)).tolist()
        == TU.invert_permutation(torch.tensor(perm)).tolist()
    )
    assert EU.invert_permutation(None) is None
    p = EU.PackedSequence(ember.ones(3), ember.tensor([2, 1]))
    assert p._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")
    assert isinstance(p, tuple) and p.sorted_indices is None and p.unsorted_indices is None
    q = EU.PackedSequence((ember.ones(3), ember.tensor([2, 1])), None, ember.tensor([1, 0]))
    assert q.unsorted_indices.tolist() == [1, 0]
    d = q.double()
    assert d.data.dtype is ember.float64 and d.batch_sizes is q.batch_sizes
    assert q.to(ember.float32) is q
    assert not q.is_cuda
    data, batch_sizes, sorted_indices, unsorted_indices = q
    assert batch_sizes.dtype is ember.int64


def test_pack_gradcheck():
    def fn(lib, x):
        p = U(lib).pack_padded_sequence(x, [3, 1], enforce_sorted=False)
        return U(lib).pad_packed_sequence(p, padding_value=1.0)[0]

    check_gradcheck(fn, arr(3, 2, 2))
    check_gradcheck(
        lambda lib, a, b: U(lib).pad_sequence([a, b], padding_side="left"), arr(3, 2), arr(1, 2)
    )


# ---------------------------------------------------------------------------- errors


def same_error(fn):
    with pytest.raises(Exception) as te:
        fn(torch)
    with pytest.raises(type(te.value)) as ee:
        fn(ember)
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: U(lib).pack_padded_sequence(lib.zeros(5, 3, 2), [3, 4, 2]),
        lambda lib: U(lib).pack_padded_sequence(lib.zeros(5, 3, 2), [3, 0, 1]),
        lambda lib: U(lib).pack_padded_sequence(lib.zeros(5, 3, 2), [3, 2, 0]),
        lambda lib: U(lib).pack_padded_sequence(lib.zeros(5, 3, 2), [3, 2]),
        lambda lib: U(lib).pack_padded_sequence(lib.zeros(5, 3, 2), lib.tensor([[3, 2, 1]])),
        lambda lib: U(lib).pack_sequence([lib.zeros(2, 3), lib.zeros(3, 3)]),
        lambda lib: U(lib).pad_packed_sequence(
            U(lib).pack_sequence([lib.zeros(4), lib.zeros(2)]), total_length=2
        ),
        lambda lib: U(lib).pad_sequence([lib.zeros(2, 3), lib.zeros(3, 4)]),
        lambda lib: U(lib).pad_sequence([]),
        lambda lib: U(lib).pad_sequence(5),
        lambda lib: U(lib).pad_sequence([lib.zeros(2, 3)], padding_side="mid"),
    ],
)
def test_errors_match_torch(call):
    same_error(call)
