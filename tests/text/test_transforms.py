"""ember.text.transforms / functional / collate against torch tensors built in the test."""

from __future__ import annotations

from collections import OrderedDict
from functools import partial

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pad_sequence as torch_pad_sequence

import ember
import ember.text.functional as F
import ember.text.transforms as T
from ember.text.data import collate_pairs, collate_text_label, pad_batch
from ember.text.vocab import vocab


def same(e, t):
    assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_to_tensor():
    same(T.ToTensor()([1, 2, 3]), torch.tensor([1, 2, 3]))
    # a single sequence is long whatever dtype says (torchtext's rule); batches take dtype
    same(T.ToTensor(dtype=ember.float32)([1, 2]), torch.tensor([1, 2]))
    batch = [[1, 2, 3], [4], []]
    expected = torch_pad_sequence(
        [torch.tensor(b, dtype=torch.long) for b in batch], batch_first=True, padding_value=7.0
    )
    same(T.ToTensor(padding_value=7)(batch), expected)
    same(
        F.to_tensor([[1, 2], [3, 4]], dtype=ember.float32),
        torch.tensor([[1, 2], [3, 4]], dtype=torch.float32),
    )
    same(
        F.to_tensor([[1], [2, 3]], padding_value=0, dtype=ember.int32),
        torch.tensor([[1, 0], [2, 3]], dtype=torch.int32),
    )
    with pytest.raises(ValueError, match="expected sequence of length 2 at dim 1"):
        T.ToTensor()([[1, 2], [3]])
    for bad in ((1, 2), [1, "a"], "12", [[1], ["a"]]):
        with pytest.raises(TypeError, match="^Input type not supported$"):
            T.ToTensor()(bad)


def test_truncate_and_add_token():
    assert T.Truncate(2)([1, 2, 3]) == [1, 2]
    assert T.Truncate(2)(["a", "b", "c"]) == ["a", "b"]
    assert T.Truncate(1)([["a", "b"], ["c"]]) == [["a"], ["c"]]
    assert T.Truncate(5)([[1, 2]]) == [[1, 2]]
    assert T.AddToken(0)([5, 6]) == [0, 5, 6]
    assert T.AddToken("<eos>", begin=False)([["a"], []]) == [["a", "<eos>"], ["<eos>"]]
    assert T.AddToken(9, begin=False)([[1], [2, 3]]) == [[1, 9], [2, 3, 9]]
    seq = [1, 2]
    T.AddToken(0)(seq)
    assert seq == [1, 2]  # the input is not modified
    with pytest.raises(TypeError, match="^Input type not supported$"):
        T.AddToken("<s>")([1, 2])  # a str token into int ids
    with pytest.raises(TypeError, match="^Input type not supported$"):
        T.Truncate(1)((1, 2))
    assert F.str_to_int(["1", "20"]) == [1, 20] and T.StrToIntTransform()([["3"]]) == [[3]]
    with pytest.raises(TypeError, match="^Input type not supported$"):
        F.str_to_int([1])


def test_pad_transform():
    x = torch.tensor([[1, 2, 3], [4, 5, 6]])
    for length in (2, 3, 5):
        expected = x if length <= 3 else torch.nn.functional.pad(x, (0, length - 3), value=-1.0)
        same(T.PadTransform(length, -1)(ember.tensor(x.numpy())), expected)
    y = torch.rand(2, 3, dtype=torch.float64)
    same(
        T.PadTransform(4, 2)(ember.tensor(y.numpy())),
        torch.nn.functional.pad(y, (0, 1), value=2.0),
    )


def test_label_to_index(tmp_path):
    t = T.LabelToIndex(["neg", "pos", "mixed"])
    assert t.label_names == ["neg", "pos", "mixed"]
    assert t("pos") == 1 and t(["mixed", "neg"]) == [2, 0]
    assert T.LabelToIndex(["b", "a"], sort_names=True)("a") == 0
    path = tmp_path / "labels.txt"
    path.write_text("World\n\nSports\n  Business  \n")
    from_file = T.LabelToIndex(label_path=str(path))
    assert from_file.label_names == ["World", "Sports", "Business"]
    with pytest.raises(RuntimeError, match="^Token Tech not found and default index is not set$"):
        from_file("Tech")
    with pytest.raises(AssertionError, match="label_names or label_path is required"):
        T.LabelToIndex()
    with pytest.raises(AssertionError, match="mutually exclusive"):
        T.LabelToIndex(["a"], label_path=str(path))
    with pytest.raises(RuntimeError, match="^Duplicate token found in tokens list: a$"):
        T.LabelToIndex(["a", "a"])
    with pytest.raises(TypeError, match="^Input type not supported$"):
        t(3)


def test_sequential_pipeline_matches_torch():
    v = vocab(OrderedDict([("<pad>", 1), ("<bos>", 1), ("<unk>", 1), ("hello", 1), ("world", 1)]))
    v.set_default_index(v["<unk>"])
    pipeline = T.Sequential(
        T.VocabTransform(v), T.Truncate(3), T.AddToken(1), T.ToTensor(padding_value=0)
    )
    assert isinstance(pipeline, ember.nn.Module) and len(pipeline) == 4
    out = pipeline([["hello", "world", "x", "hello"], ["world"]])
    expected = torch_pad_sequence(
        [torch.tensor([1, 3, 4, 2]), torch.tensor([1, 4])], batch_first=True, padding_value=0
    )
    same(out, expected)


def test_collate_helpers():
    batch = [(3, [5, 6, 7]), (1, [8]), (2, [])]
    labels, texts, lengths = collate_text_label(batch, return_lengths=True, padding_value=-1)
    same(labels, torch.tensor([3, 1, 2]))
    rows = [torch.tensor(t, dtype=torch.long) for _, t in batch]
    same(texts, torch_pad_sequence(rows, batch_first=True, padding_value=-1))
    same(lengths, torch.tensor([3, 1, 0]))
    tok = {"a": 1, "b": 2}
    labels, texts = collate_text_label(
        [(1, "a b"), (4, "b")],
        text_transform=lambda s: [tok[w] for w in s.split()],
        label_transform=lambda y: y - 1,
        batch_first=False,
    )
    same(labels, torch.tensor([0, 3]))
    same(texts, torch.tensor([[1, 2], [2, 0]]))

    pairs = [([1, 2], [3]), ([4], [5, 6, 7])]
    src, tgt = collate_pairs(pairs, padding_value=9)
    same(src, torch_pad_sequence([torch.tensor(s) for s, _ in pairs], padding_value=9))
    same(tgt, torch_pad_sequence([torch.tensor(t) for _, t in pairs], padding_value=9))
    src, _ = collate_pairs(pairs, src_transform=lambda s: ember.tensor(s) * 2, batch_first=True)
    same(src, torch.tensor([[2, 4], [8, 0]]))
    expected = torch.tensor([[1.5, 0], [2, 3]], dtype=torch.float64)
    same(pad_batch([[1.5], [2.0, 3.0]], dtype=ember.float64), expected)

    loader = ember.utils.data.DataLoader(
        batch, batch_size=2, collate_fn=partial(collate_text_label, padding_value=0)
    )
    first_labels, first_texts = next(iter(loader))
    same(first_labels, torch.tensor([3, 1]))
    same(first_texts, torch.tensor([[5, 6, 7], [8, 0, 0]]))
