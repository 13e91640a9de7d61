"""bleu_score against values computed by hand from BLEU's definition as torchtext applies it
(corpus-level clipped n-gram precisions, weighted geometric mean, brevity penalty with each
candidate's closest reference length, first one on a tie), and the pipeline functions of
ember.text.data.functional."""

from __future__ import annotations

import math
import sys

import pytest

from ember.text.data import (
    bleu_score,
    custom_replace,
    numericalize_tokens_from_iterator,
    simple_space_split,
    to_map_style_dataset,
)
from ember.text.data.functional import load_sp_model
from ember.text.utils import validate_file


def close(a, b):
    assert a == pytest.approx(b, rel=1e-6, abs=0)


def test_bleu_torchtext_example():
    # p = 4/6, 3/4, 2/2, 1/1; weights 1/4 -> (2/3 * 3/4) ** (1/4) = 0.5 ** 0.25; lengths equal
    candidates = [["My", "full", "pytorch", "test"], ["Another", "Sentence"]]
    references = [
        [["My", "full", "pytorch", "test"], ["Completely", "Different"]],
        [["No", "Match"]],
    ]
    close(bleu_score(candidates, references), 0.5**0.25)


def test_bleu_brevity_penalty_and_clipping():
    # precisions 1, 1; candidate 2 tokens against a 4-token reference: bp = exp(1 - 4/2)
    close(bleu_score([["the", "cat"]], [[["the", "cat", "sat", "on"]]], 2, [0.5, 0.5]), math.e**-1)
    # 'the' x4 is clipped to its 1 occurrence in the reference: 1/4; longer candidate: bp = 1
    close(bleu_score([["the"] * 4], [[["the", "cat"]]], 1, [1.0]), 0.25)


def test_bleu_multiple_references_take_the_max_count():
    # unigrams: a 2 (ref 2 has two), b 1, c 0 -> 3/4; bigrams 'a a' (ref 2), 'a b' (ref 1) -> 2/3
    cand = [["a", "a", "b", "c"]]
    refs = [[["a", "b"], ["a", "a"]]]
    close(bleu_score(cand, refs, 2, [0.5, 0.5]), math.sqrt(3 / 4 * 2 / 3))
    # weights need not be uniform: (3/4) ** 0.2 * (2/3) ** 0.8
    close(bleu_score(cand, refs, 2, [0.2, 0.8]), (3 / 4) ** 0.2 * (2 / 3) ** 0.8)


def test_bleu_closest_reference_length_first_on_ties():
    # candidate of 3 tokens; references of 4 and 2 tokens are equally close: the first (4) counts
    cand = [["x", "y", "z"]]
    close(bleu_score(cand, [[["x", "y", "z", "w"], ["x", "y"]]], 1, [1.0]), math.exp(1 - 4 / 3))
    close(bleu_score(cand, [[["x", "y"], ["x", "y", "z", "w"]]], 1, [1.0]), 1.0)
    # the closest reference length (3, of 5 and 3), not another one, gives the penalty
    refs = [[["the", "cat", "sat", "on", "it"], ["the", "cat", "sat"]]]
    close(bleu_score([["the", "cat"]], refs, 1, [1.0]), math.exp(1 - 3 / 2))


def test_bleu_is_corpus_level():
    # unigrams 3/4 and bigrams 1/2 summed over both sentences, not averaged per sentence
    cands = [["a", "b"], ["c", "d"]]
    refs = [[["a", "b"]], [["c", "e"]]]
    close(bleu_score(cands, refs, 2, [0.5, 0.5]), math.sqrt(3 / 4 * 1 / 2))


def test_bleu_zero_and_errors():
    assert bleu_score([["a", "b"]], [[["a", "c"]]], 2, [0.5, 0.5]) == 0.0  # no bigram matches
    assert bleu_score([["a"]], [[["a"]]], 2, [0.5, 0.5]) == 0.0  # no bigrams at all
    with pytest.raises(AssertionError, match="weights"):
        bleu_score([["a"]], [[["a"]]], max_n=2, weights=[1.0])
    with pytest.raises(AssertionError, match="same"):
        bleu_score([["a"]], [], max_n=1, weights=[1.0])


def test_pipeline_functions():
    lines = ["Sentencepiece encode  aS pieces", "exampleS to   try!"]
    assert list(simple_space_split(lines)) == [
        ["Sentencepiece", "encode", "aS", "pieces"],
        ["exampleS", "to", "try!"],
    ]
    replace = custom_replace([(r"S", "s"), (r"\s+", " ")])
    assert list(replace(lines)) == ["sentencepiece encode as pieces", "examples to try!"]
    vocab = {"a": 0, "b": 1, "<pad>": 2}
    out = numericalize_tokens_from_iterator(vocab, [["a", "<pad>", "b"], ["b"]])
    assert [list(ids) for ids in out] == [[0, 2, 1], [1]]
    out = numericalize_tokens_from_iterator(vocab, [["a", "<pad>", "b"]], removed_tokens=["<pad>"])
    assert [list(ids) for ids in out] == [[0, 1]]


def test_to_map_style_dataset():
    ds = to_map_style_dataset(x * x for x in range(5))
    assert len(ds) == 5 and ds[3] == 9 and list(ds) == [0, 1, 4, 9, 16]
    assert len(to_map_style_dataset([])) == 0


def test_sentencepiece_is_optional(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentencepiece", None)
    with pytest.raises(ModuleNotFoundError, match="pip install sentencepiece"):
        load_sp_model("m.model")


def test_validate_file(tmp_path):
    import hashlib

    path = tmp_path / "f.bin"
    path.write_bytes(b"abc" * 1000)
    with open(path, "rb") as f:
        assert validate_file(f, hashlib.sha256(b"abc" * 1000).hexdigest())
    with open(path, "rb") as f:
        assert validate_file(f, hashlib.md5(b"abc" * 1000).hexdigest(), "md5")
    with open(path, "rb") as f:
        assert not validate_file(f, "0" * 32, "md5")
    with open(path, "rb") as f, pytest.raises(ValueError, match="hash_type"):
        validate_file(f, "x", "sha1")
