"""get_tokenizer and the trainable tokenizers of ember.text.

basic_english is checked against torchtext's documented normalisation (torchtext/data/utils.py):
lower-case; ``'`` becomes a token of its own; ``"`` is removed; ``. , ( ) ! ?`` are spaced out;
``;`` ``:`` and ``<br />`` become spaces; then the line is split on whitespace. The expected
token lists below are written out by hand from those rules.
"""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest
import torch

from ember.text.data import get_tokenizer, interleave_keys, ngrams_iterator
from ember.text.data.utils import RandomShuffler, is_tokenizer_serializable
from ember.text.tokenizers import BPETokenizer, CharTokenizer, WhitespaceTokenizer

BASIC_ENGLISH = [
    # torchtext's own docstring example
    (
        "You can now install TorchText using pip!",
        ["you", "can", "now", "install", "torchtext", "using", "pip", "!"],
    ),
    ("Don't panic.", ["don", "'", "t", "panic", "."]),
    (
        'He said "hi", (twice); ok: yes?',
        ["he", "said", "hi", ",", "(", "twice", ")", "ok", "yes", "?"],
    ),
    ("line one<br />line two", ["line", "one", "line", "two"]),
    ("a<BR />b", ["a", "b"]),  # lower-cased before the patterns apply
    ("x<br/>y", ["x<br/>y"]),  # only the exact '<br />' form is a line break
    ("a.b,c", ["a", ".", "b", ",", "c"]),
    ('say"what"now', ["saywhatnow"]),  # a double quote is removed, not spaced out
    ("  TABS\tand\nnewlines  ", ["tabs", "and", "newlines"]),
    ("3.14 - x/y & z", ["3", ".", "14", "-", "x/y", "&", "z"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "tokens"), BASIC_ENGLISH)
def test_basic_english(text, tokens):
    assert get_tokenizer("basic_english")(text) == tokens


def test_get_tokenizer_choices():
    assert get_tokenizer(None)("a  b\tc\n") == ["a", "b", "c"]

    def mine(s):
        return s.split("-")

    assert get_tokenizer(mine) is mine
    with pytest.raises(ValueError, match=r"only available for Enlish\(en\)"):
        get_tokenizer("basic_english", language="de")
    with pytest.raises(ValueError, match="Requested tokenizer nope, valid choices are a callable"):
        get_tokenizer("nope")
    assert is_tokenizer_serializable("basic_english", "en")
    assert not is_tokenizer_serializable("spacy", "en")


@pytest.mark.parametrize(
    ("name", "module"),
    [("spacy", "spacy"), ("moses", "sacremoses"), ("toktok", "nltk"), ("revtok", "revtok")],
)
def test_library_tokenizers_say_what_is_missing(name, module):
    if importlib.util.find_spec(module) is not None:
        pytest.skip(f"{module} is installed")
    with pytest.raises(
        ModuleNotFoundError, match=rf"get_tokenizer\('{name}'\) needs .*pip install"
    ):
        get_tokenizer(name)


def test_ngrams_iterator_and_interleave_keys():
    tokens = ["here", "we", "are", "now"]
    assert list(ngrams_iterator(tokens, 1)) == tokens
    assert list(ngrams_iterator(tokens, 3)) == [
        *tokens,
        "here we",
        "we are",
        "are now",
        "here we are",
        "we are now",
    ]
    assert list(ngrams_iterator(["a"], 3)) == ["a"]
    # bits of a and b alternate, a's first: 1,0 -> 0b10; 0,1 -> 0b01; 0xFFFF,0 -> 0b1010...
    assert interleave_keys(1, 0) == 2
    assert interleave_keys(0, 1) == 1
    assert interleave_keys(3, 3) == 15
    assert interleave_keys(0xFFFF, 0) == 0xAAAAAAAA


def test_random_shuffler_is_reproducible_and_leaves_global_state():
    import random

    random.seed(5)
    before = random.getstate()
    a = RandomShuffler(random_state=before)
    b = RandomShuffler(random_state=before)
    data = list(range(20))
    assert a(data) == b(data) != data
    assert sorted(a(data)) == data
    assert random.getstate() == before


# ---------------------------------------------------------------- character / whitespace
def test_char_tokenizer(tmp_path):
    tok = CharTokenizer().train(["abba", "cab"])
    # specials first, then characters by frequency (a:3, b:3, c:1), ties in sort order
    assert tok.get_vocab() == {"<unk>": 0, "a": 1, "b": 2, "c": 3}
    assert tok.encode("cab") == [3, 1, 2]
    assert tok.tokenize("ab") == tok("ab") == ["a", "b"]
    assert tok.encode("az") == [1, 0]
    assert tok.decode([3, 1, 2]) == "cab"
    assert tok.decode(torch.tensor([1, 0]).tolist(), skip_special_tokens=True) == "a"
    path = tmp_path / "char.json"
    tok.save(str(path))
    again = CharTokenizer.load(str(path))
    assert again.get_vocab() == tok.get_vocab() and again.encode("bac") == tok.encode("bac")
    with pytest.raises(ValueError, match="holds a 'char' tokenizer"):
        WhitespaceTokenizer.load(str(path))


def test_whitespace_tokenizer(tmp_path):
    lines = ["the cat sat", "the dog  sat down", "a cat"]
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tok = WhitespaceTokenizer(specials=["<unk>", "<pad>"]).train(lines, min_freq=2)
    assert tok.get_vocab() == {"<unk>": 0, "<pad>": 1, "cat": 2, "sat": 3, "the": 4}
    assert tok.encode("the dog sat") == [4, 0, 3]
    assert tok.decode([4, 2, 1], skip_special_tokens=True) == "the cat"
    from_file = WhitespaceTokenizer(specials=["<unk>", "<pad>"]).train_from_files(
        str(corpus), min_freq=2
    )
    assert from_file.get_vocab() == tok.get_vocab()
    capped = WhitespaceTokenizer().train(lines, max_tokens=3)
    assert capped.get_vocab() == {"<unk>": 0, "cat": 1, "sat": 2}
    with pytest.raises(RuntimeError, match="call train"):
        WhitespaceTokenizer().encode("x")
    with pytest.raises(ValueError, match="must be one of the specials"):
        WhitespaceTokenizer(specials=["<pad>"])
    strict = WhitespaceTokenizer(specials=[], unk_token=None).train(["a b"])
    with pytest.raises(RuntimeError, match="Token c not found and default index is not set"):
        strict.encode("a c")


# ---------------------------------------------------------------- byte-pair encoding
CORPUS = [
    "the quick brown fox jumps over the lazy dog",
    "the lazy dog sleeps while the quick fox runs",
    "a quick brown dog and a lazy fox",
] * 10


def test_bpe_train_encode_decode_save_load(tmp_path):
    tok = BPETokenizer(vocab_size=320, min_frequency=2).train(CORPUS)
    vocab = tok.get_vocab()
    # the specials come first, then the 256 byte tokens; training added merges up to the size
    assert [vocab[s] for s in ("<unk>", "<pad>", "<bos>", "<eos>")] == [0, 1, 2, 3]
    assert 260 < tok.vocab_size <= 320
    # frequent words became single tokens (byte-level: a leading space is 'Ġ')
    assert tok.tokenize("the quick fox") == ["the", "Ġquick", "Ġfox"]
    ids = tok.encode("the quick fox")
    assert ids == [vocab["the"], vocab["Ġquick"], vocab["Ġfox"]]
    # any text round-trips exactly, unseen characters and spacing included
    for text in ["the quick fox", "Zebra  crossing\tat 3:00 — ok ✓", "émoji 🙂 and 中文", ""]:
        assert tok.decode(tok.encode(text)) == text
    assert tok.decode(torch.tensor(ids)) == "the quick fox"
    assert tok.decode([2, *ids, 3], skip_special_tokens=True) == "the quick fox"
    assert tok.encode_batch(["the dog", "a fox"]) == [tok.encode("the dog"), tok.encode("a fox")]
    assert tok.id_to_token(ids[1]) == "Ġquick" and tok.token_to_id("Ġquick") == ids[1]
    assert tok.token_to_id("not-a-token") is None

    path = tmp_path / "bpe.json"
    tok.save(str(path))
    assert json.loads(path.read_text(encoding="utf-8"))["model"]["type"] == "BPE"
    again = BPETokenizer.load(str(path))
    assert again.get_vocab() == vocab
    assert again.special_tokens == ["<unk>", "<pad>", "<bos>", "<eos>"]
    for text in CORPUS[:3] + ["unseen wörds"]:
        assert again.encode(text) == tok.encode(text)
        assert again.decode(again.encode(text)) == text


def test_bpe_train_from_files_matches_iterator(tmp_path):
    files = []
    for i in range(2):
        f = tmp_path / f"part{i}.txt"
        f.write_text("\n".join(CORPUS[i::2]) + "\n", encoding="utf-8")
        files.append(str(f))
    from_files = BPETokenizer(vocab_size=300).train_from_files(files)
    from_iter = BPETokenizer(vocab_size=300).train(CORPUS)
    assert from_files.get_vocab() == from_iter.get_vocab()
    with pytest.raises(RuntimeError, match="not trained"):
        BPETokenizer().encode("x")


def test_bpe_needs_the_tokenizers_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "tokenizers", None)  # as if it were not installed
    with pytest.raises(ImportError, match=r"pip install 'ember\[text\]'"):
        BPETokenizer()
    assert CharTokenizer().train(["ab"]).encode("ba") == [2, 1]  # the others still work
