"""Trainable tokenizers: characters, whitespace-separated words, and byte-pair encoding.

These are ember's own (torchtext loads pretrained tokenizers only). Each one is trained on an
iterator of strings or on text files, encodes a string to token ids and decodes ids back, is a
callable that returns the token strings (so ``get_tokenizer(tok)`` accepts it), and saves to
and loads from a JSON file. :class:`BPETokenizer` wraps the Hugging Face ``tokenizers``
package (``pip install 'ember[text]'``); the other two need nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from .vocab import build_vocab_from_iterator
from .vocab.vocab import Vocab, _VocabCore

__all__ = ["BPETokenizer", "CharTokenizer", "WhitespaceTokenizer"]


def _lines_of(files: str | Iterable[str]) -> Iterator[str]:
    for path in [files] if isinstance(files, str) else files:
        with open(path, encoding="utf-8") as f:
            yield from f


class _VocabTokenizer:
    """A tokenizer whose tokens come from a rule (``_split``) and whose ids from a Vocab."""

    kind = ""

    def __init__(self, specials: Iterable[str] = ("<unk>",), unk_token: str | None = "<unk>"):
        self.specials = list(specials)
        if unk_token is not None and unk_token not in self.specials:
            raise ValueError(f"unk_token {unk_token!r} must be one of the specials")
        self.unk_token = unk_token
        self._vocab: Vocab | None = None

    def _split(self, text: str) -> list[str]:
        raise NotImplementedError

    def _join(self, tokens: list[str]) -> str:
        raise NotImplementedError

    @property
    def vocab(self) -> Vocab:
        if self._vocab is None:
            raise RuntimeError(
                f"{type(self).__name__} has no vocabulary yet: call train() or load() first"
            )
        return self._vocab

    def _set_vocab(self, tokens: list[str]) -> None:
        self._vocab = Vocab(_VocabCore(tokens))
        if self.unk_token is not None:
            self._vocab.set_default_index(self._vocab[self.unk_token])

    def train(self, iterator: Iterable[str], min_freq: int = 1, max_tokens: int | None = None):
        """Build the vocabulary from the texts of ``iterator``: the specials first, then the
        tokens by decreasing frequency (ties in sort order), at least ``min_freq`` times seen,
        ``max_tokens`` in all at most. Returns ``self``."""
        built = build_vocab_from_iterator(
            (self._split(text) for text in iterator),
            min_freq=min_freq,
            specials=self.specials,
            max_tokens=max_tokens,
        )
        self._set_vocab(built.get_itos())
        return self

    def train_from_files(self, files: str | Iterable[str], **kwargs):
        """:meth:`train` on the lines of one or more UTF-8 text files."""
        return self.train(_lines_of(files), **kwargs)

    def tokenize(self, text: str) -> list[str]:
        """The token strings of ``text``."""
        return self._split(text)

    __call__ = tokenize

    def encode(self, text: str) -> list[int]:
        """The token ids of ``text``; unknown tokens get the id of ``unk_token`` (a
        ``RuntimeError`` without one)."""
        return self.vocab.lookup_indices(self._split(text))

    def decode(self, ids: Iterable[int], skip_special_tokens: bool = False) -> str:
        """The text of token ids (a 1-D tensor or a list)."""
        ids = ids.tolist() if hasattr(ids, "tolist") else list(ids)
        tokens = self.vocab.lookup_tokens(ids)
        if skip_special_tokens:
            specials = set(self.specials)
            tokens = [t for t in tokens if t not in specials]
        return self._join(tokens)

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def token_to_id(self, token: str) -> int | None:
        """The id of ``token``, or ``None`` if it is not in the vocabulary."""
        return self.vocab.vocab.stoi_.get(token)

    def id_to_token(self, index: int) -> str:
        return self.vocab.lookup_token(index)

    def get_vocab(self) -> dict[str, int]:
        """Tokens mapped to their ids."""
        return self.vocab.get_stoi()

    def save(self, path: str) -> None:
        """Write the tokenizer to the JSON file ``path``."""
        state = {
            "type": self.kind,
            "specials": self.specials,
            "unk_token": self.unk_token,
            "itos": self.vocab.get_itos(),
        }
        with open(path, "w", encoding="utf-8") as f:
            json.dump(state, f, ensure_ascii=False)

    @classmethod
    def load(cls, path: str):
        """Read a tokenizer written by :meth:`save`."""
        with open(path, encoding="utf-8") as f:
            state = json.load(f)
        if state.get("type") != cls.kind:
            raise ValueError(f"{path} holds a {state.get('type')!r} tokenizer, not {cls.kind!r}")
        tok = cls(specials=state["specials"], unk_token=state["unk_token"])
        tok._set_vocab(state["itos"])
        return tok


class CharTokenizer(_VocabTokenizer):
    """Every character is a token; decoding concatenates them.

    Example::

        >>> tok = CharTokenizer().train(["hello", "world"])
        >>> tok.decode(tok.encode("hold"))
        'hold'
        >>> tok.encode("?") == [tok.token_to_id("<unk>")]
        True
    """

    kind = "char"

    def _split(self, text: str) -> list[str]:
        return list(text)

    def _join(self, tokens: list[str]) -> str:
        return "".join(tokens)


class WhitespaceTokenizer(_VocabTokenizer):
    """Tokens are the whitespace-separated words; decoding joins them with single spaces.

    Example::

        >>> tok = WhitespaceTokenizer().train(["the cat sat", "the dog"])
        >>> tok.tokenize("the  cat"), tok.decode(tok.encode("the dog sat"))
        (['the', 'cat'], 'the dog sat')
    """

    kind = "whitespace"

    def _split(self, text: str) -> list[str]:
        return text.split()

    def _join(self, tokens: list[str]) -> str:
        return " ".join(tokens)


def _hf():
    try:
        import tokenizers
    except ImportError as e:
        raise ImportError(
            "BPETokenizer wraps the `tokenizers` package, which is not installed: "
            "pip install 'ember[text]'"
        ) from e
    return tokenizers


class BPETokenizer:
    """A byte-level byte-pair-encoding tokenizer (as GPT-2's), trained with the Hugging Face
    ``tokenizers`` package (``pip install 'ember[text]'``).

    Text is split into words and punctuation, each word is taken as UTF-8 bytes, and
    training learns merges of frequent adjacent pieces until the vocabulary has
    ``vocab_size`` tokens. Any text encodes (no unknown tokens) and decodes back exactly.

    Args:
        vocab_size: the size of the vocabulary training builds (the 256 byte tokens and the
            specials included).
        min_frequency: the number of times a pair must occur to be merged.
        special_tokens: tokens never split, first in the vocabulary (ids 0, 1, ...).
    """

    def __init__(
        self,
        vocab_size: int = 1000,
        min_frequency: int = 2,
        special_tokens: Iterable[str] = ("<unk>", "<pad>", "<bos>", "<eos>"),
    ):
        hf = _hf()
        self.vocab_size_target = vocab_size
        self.min_frequency = min_frequency
        self.special_tokens = list(special_tokens)
        tok = hf.Tokenizer(hf.models.BPE())
        tok.pre_tokenizer = hf.pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = hf.decoders.ByteLevel()
        self._tokenizer = tok
        self._trained = False

    def _trainer(self):
        hf = _hf()
        return hf.trainers.BpeTrainer(
            vocab_size=self.vocab_size_target,
            min_frequency=self.min_frequency,
            special_tokens=self.special_tokens,
            initial_alphabet=hf.pre_tokenizers.ByteLevel.alphabet(),
            show_progress=False,
        )

    def train(self, iterator: Iterable[str]):
        """Learn the merges from the texts of ``iterator``. Returns ``self``."""
        self._tokenizer.train_from_iterator(iterator, trainer=self._trainer())
        self._trained = True
        return self

    def train_from_files(self, files: str | Iterable[str]):
        """Learn the merges from one or more UTF-8 text files. Returns ``self``."""
        files = [files] if isinstance(files, str) else list(files)
        self._tokenizer.train(files, trainer=self._trainer())
        self._trained = True
        return self

    def _ready(self):
        if not self._trained:
            raise RuntimeError("BPETokenizer is not trained yet: call train() or load() first")
        return self._tokenizer

    def tokenize(self, text: str) -> list[str]:
        """The token strings of ``text`` (bytes shown as GPT-2's printable characters)."""
        return self._ready().encode(text).tokens

    __call__ = tokenize

    def encode(self, text: str) -> list[int]:
        """The token ids of ``text``."""
        return self._ready().encode(text).ids

    def encode_batch(self, texts: Iterable[str]) -> list[list[int]]:
        """The token ids of each text."""
        return [e.ids for e in self._ready().encode_batch(list(texts))]

    def decode(self, ids: Iterable[int], skip_special_tokens: bool = False) -> str:
        """The text of token ids (a 1-D tensor or a list)."""
        ids = ids.tolist() if hasattr(ids, "tolist") else list(ids)
        return self._ready().decode(ids, skip_special_tokens=skip_special_tokens)

    @property
    def vocab_size(self) -> int:
        return self._ready().get_vocab_size()

    def token_to_id(self, token: str) -> int | None:
        """The id of ``token``, or ``None`` if it is not in the vocabulary."""
        return self._ready().token_to_id(token)

    def id_to_token(self, index: int) -> str | None:
        return self._ready().id_to_token(index)

    def get_vocab(self) -> dict[str, int]:
        """Tokens mapped to their ids."""
        return self._ready().get_vocab()

    def save(self, path: str) -> None:
        """Write the tokenizer (vocabulary, merges, pre-tokenizer, decoder) to the JSON file
        ``path``, in the ``tokenizers`` package's format."""
        self._ready().save(path)

    @classmethod
    def load(cls, path: str) -> BPETokenizer:
        """Read a tokenizer written by :meth:`save`."""
        hf = _hf()
        tok = cls.__new__(cls)
        tok._tokenizer = hf.Tokenizer.from_file(path)
        tok.vocab_size_target = tok._tokenizer.get_vocab_size()
        tok.min_frequency = 2
        specials = [t for t in tok._tokenizer.get_added_tokens_decoder().values() if t.special]
        tok.special_tokens = [t.content for t in specials]
        tok._trained = True
        return tok
