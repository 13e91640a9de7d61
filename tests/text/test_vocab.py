"""ember.text.vocab against torchtext's documented rules (torchtext/vocab/vocab_factory.py and
the messages of its C++ Vocab): tokens by decreasing frequency with ties in token order,
max_tokens cut before min_freq and the specials, specials first or last, the RuntimeErrors."""

from __future__ import annotations

import pickle
from collections import OrderedDict

import pytest

import ember
from ember.text.transforms import VocabTransform
from ember.text.vocab import Vocab, build_vocab_from_iterator, vocab


def test_order_is_frequency_then_token():
    # b:3 a:3 d:2 c:1 -> a, b (tie, token order), d, c -- not the order of first appearance
    v = build_vocab_from_iterator([["b", "b", "c"], ["d", "a", "b"], ["a", "d", "a"]])
    assert v.get_itos() == ["a", "b", "d", "c"]
    assert v.get_stoi() == {"a": 0, "b": 1, "d": 2, "c": 3}
    v = build_vocab_from_iterator([["z", "y"], ["y", "z"]])
    assert v.get_itos() == ["y", "z"]


def test_iterator_of_iterables_and_generators():
    v = build_vocab_from_iterator(iter([iter("abca"), ("c", "c")]))
    assert v.get_itos() == ["c", "a", "b"]


def test_specials_and_min_freq():
    data = [["x", "y", "x", "<unk>", "<unk>", "<unk>"], ["z"]]
    v = build_vocab_from_iterator(data, specials=["<unk>", "<pad>"])
    # a special seen in the data is still only a special, at its place
    assert v.get_itos() == ["<unk>", "<pad>", "x", "y", "z"]
    v = build_vocab_from_iterator(data, specials=["<unk>", "<pad>"], special_first=False)
    assert v.get_itos() == ["x", "y", "z", "<unk>", "<pad>"]
    v = build_vocab_from_iterator(data, min_freq=2, specials=["<pad>"])
    assert v.get_itos() == ["<pad>", "<unk>", "x"]
    assert build_vocab_from_iterator([]).get_itos() == []


def test_max_tokens():
    data = [["a"] * 5 + ["b"] * 4 + ["c"] * 3 + ["d"] * 2 + ["e"]]
    assert build_vocab_from_iterator(data, max_tokens=3).get_itos() == ["a", "b", "c"]
    v = build_vocab_from_iterator(data, specials=["<unk>"], max_tokens=3)
    assert v.get_itos() == ["<unk>", "a", "b"]
    # the cut (a, b) comes first, then min_freq drops 'b' (4 < 5)
    v = build_vocab_from_iterator(data, specials=["<unk>"], max_tokens=3, min_freq=5)
    assert v.get_itos() == ["<unk>", "a"]
    # a special that occurs in the data takes a slot of the cut, then is moved to the front
    v = build_vocab_from_iterator([["<unk>"] * 9, *data], specials=["<unk>"], max_tokens=3)
    assert v.get_itos() == ["<unk>", "a"]
    with pytest.raises(AssertionError, match=r"len\(specials\) >= max_tokens"):
        build_vocab_from_iterator(data, specials=["<unk>", "<pad>"], max_tokens=2)


def test_vocab_factory_keeps_dict_order():
    od = OrderedDict([("e", 1), ("d", 5), ("<unk>", 9), ("c", 2)])
    v = vocab(od, min_freq=2, specials=["<unk>"])
    assert v.get_itos() == ["<unk>", "d", "c"]
    assert "<unk>" not in od  # torchtext removes the specials from the dict it is given
    assert vocab(OrderedDict([("a", 1)]), specials=["<s>"], special_first=False).get_itos() == [
        "a",
        "<s>",
    ]
    with pytest.raises(RuntimeError, match="^Duplicate token found in tokens list: <s>$"):
        vocab(OrderedDict([("a", 1)]), specials=["<s>", "<s>"])


def test_default_index_and_lookup_errors():
    v = vocab(OrderedDict([("a", 1), ("b", 1), ("c", 1)]))
    assert isinstance(v, ember.nn.Module) and isinstance(v, Vocab)
    assert len(v) == 3 and "a" in v and "z" not in v
    assert v["b"] == 1 and v(["c", "a"]) == [2, 0] and v.lookup_indices(["b"]) == [1]
    assert v.get_default_index() is None
    with pytest.raises(RuntimeError, match="^Token z not found and default index is not set$"):
        v["z"]
    with pytest.raises(RuntimeError, match="^Token z not found and default index is not set$"):
        v(["a", "z"])
    v.set_default_index(-1)
    assert v.get_default_index() == -1 and v["z"] == -1 and v(["z", "a"]) == [-1, 0]
    v.set_default_index(None)
    with pytest.raises(RuntimeError, match="not found and default index is not set"):
        v["z"]

    assert v.lookup_token(2) == "c" and v.lookup_tokens([2, 0]) == ["c", "a"]
    for bad in (3, -1):
        with pytest.raises(
            RuntimeError, match=f"^Specified index {bad} is out of bounds for vocab of size 3$"
        ):
            v.lookup_token(bad)
    with pytest.raises(
        RuntimeError, match="^Specified index 7 at position 1 is out of bounds for vocab of size 3$"
    ):
        v.lookup_tokens([0, 7])


def test_insert_and_append():
    v = vocab(OrderedDict([("a", 1), ("b", 1), ("c", 1)]))
    v.insert_token("<unk>", 0)
    assert v.get_itos() == ["<unk>", "a", "b", "c"]
    assert v.get_stoi() == {"<unk>": 0, "a": 1, "b": 2, "c": 3}
    v.insert_token("z", 4)  # == len: at the end
    v.insert_token("m", 2)
    assert v.get_itos() == ["<unk>", "a", "m", "b", "c", "z"]
    assert [v[t] for t in v.get_itos()] == list(range(6))
    v.append_token("q")
    assert v["q"] == 6 and v.lookup_token(6) == "q"
    with pytest.raises(
        RuntimeError, match="^Specified index 8 is out of bounds for vocab of size 7$"
    ):
        v.insert_token("w", 8)
    with pytest.raises(RuntimeError, match="^Token a not found in Vocab$"):  # torchtext's wording
        v.insert_token("a", 0)
    with pytest.raises(RuntimeError, match="^Token m already exists in the Vocab with index: 2$"):
        v.append_token("m")


def test_copies_pickle_and_wrapping():
    v = build_vocab_from_iterator([["a", "b"]], specials=["<unk>"])
    v.set_default_index(0)
    itos, stoi = v.get_itos(), v.get_stoi()
    itos.append("x")
    stoi["y"] = 9
    assert v.get_itos() == ["<unk>", "a", "b"] and "y" not in v
    again = pickle.loads(pickle.dumps(v))
    assert again.get_itos() == v.get_itos() and again["nope"] == 0
    shared = Vocab(v.vocab)  # wrapping the inner mapping shares it, as torchtext's does
    shared.append_token("c")
    assert v["c"] == 3
    assert VocabTransform(v)([["a", "b"], ["zz"]]) == [[1, 2], [0]]
    assert VocabTransform(v)(["b"]) == [2]
    with pytest.raises(TypeError, match="^Input type not supported$"):
        VocabTransform(v)(("a",))
