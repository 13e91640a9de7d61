"""Vocab: the token <-> index mapping of torchtext.vocab."""

from __future__ import annotations

from collections.abc import Iterable

from ...nn import Module

__all__ = ["Vocab"]


class _VocabCore:
    """The mapping itself (torchtext keeps it in C++): ``itos_``, the tokens in index order,
    ``stoi_`` the inverse, and ``default_index_``, the index an unknown token gets (``None``:
    unknown tokens are an error). Error types and messages are torchtext's."""

    def __init__(self, tokens: Iterable[str], default_index: int | None = None):
        self.itos_: list[str] = []
        self.stoi_: dict[str, int] = {}
        for token in tokens:
            if token in self.stoi_:
                raise RuntimeError(f"Duplicate token found in tokens list: {token}")
            self.stoi_[token] = len(self.itos_)
            self.itos_.append(token)
        self.default_index_ = default_index

    def __len__(self) -> int:
        return len(self.itos_)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi_

    def __getitem__(self, token: str) -> int:
        index = self.stoi_.get(token)
        if index is not None:
            return index
        if self.default_index_ is None:
            raise RuntimeError(f"Token {token} not found and default index is not set")
        return self.default_index_

    def _check_index(self, index: int, size: int, where: str = "") -> None:
        if not 0 <= index < size:
            raise RuntimeError(
                f"Specified index {index}{where} is out of bounds for vocab of size {len(self)}"
            )

    def append_token(self, token: str) -> None:
        if token in self.stoi_:
            raise RuntimeError(
                f"Token {token} already exists in the Vocab with index: {self.stoi_[token]}"
            )
        self.stoi_[token] = len(self.itos_)
        self.itos_.append(token)

    def insert_token(self, token: str, index: int) -> None:
        self._check_index(index, len(self) + 1)
        if token in self.stoi_:
            raise RuntimeError(f"Token {token} not found in Vocab")  # torchtext's wording
        self.itos_.insert(index, token)
        for i in range(index, len(self.itos_)):
            self.stoi_[self.itos_[i]] = i

    def lookup_token(self, index: int) -> str:
        self._check_index(index, len(self))
        return self.itos_[index]

    def lookup_tokens(self, indices: list[int]) -> list[str]:
        for position, index in enumerate(indices):
            self._check_index(index, len(self), f" at position {position}")
        return [self.itos_[i] for i in indices]

    def lookup_indices(self, tokens: list[str]) -> list[int]:
        return [self[token] for token in tokens]

    def __reduce__(self):
        return (_VocabCore, (self.itos_, self.default_index_))


class Vocab(Module):
    r"""Map tokens to indices and back, as ``torchtext.vocab.Vocab``.

    Build one with :func:`~ember.text.vocab.build_vocab_from_iterator` or
    :func:`~ember.text.vocab.vocab`. An unknown token is a ``RuntimeError`` until
    :meth:`set_default_index` names the index it gets. Calling the vocab on a list of tokens
    returns their indices (:meth:`lookup_indices`).

    Args:
        vocab: the underlying mapping (another ``Vocab``'s ``.vocab``), or a list of
            tokens in index order.

    Example::

        >>> from ember.text.vocab import build_vocab_from_iterator
        >>> v = build_vocab_from_iterator([["b", "a", "b"]], specials=["<unk>"])
        >>> v.get_itos()
        ['<unk>', 'b', 'a']
        >>> v.set_default_index(v["<unk>"])
        >>> v(["a", "b", "zebra"])
        [2, 1, 0]
    """

    def __init__(self, vocab):
        super().__init__()
        if isinstance(vocab, Vocab):
            vocab = vocab.vocab
        elif not isinstance(vocab, _VocabCore):
            vocab = _VocabCore(vocab)
        self.vocab = vocab

    @property
    def is_jitable(self) -> bool:
        return False

    def forward(self, tokens: list[str]) -> list[int]:
        """The indices of ``tokens`` (:meth:`lookup_indices`)."""
        return self.vocab.lookup_indices(tokens)

    def __len__(self) -> int:
        """The number of tokens."""
        return len(self.vocab)

    def __contains__(self, token: str) -> bool:
        """Whether ``token`` is in the vocab."""
        return token in self.vocab

    def __getitem__(self, token: str) -> int:
        """The index of ``token``; the default index for an unknown one (``RuntimeError``
        when none is set)."""
        return self.vocab[token]

    def set_default_index(self, index: int | None) -> None:
        """Make ``index`` the value unknown tokens get (``None``: unknown tokens raise)."""
        self.vocab.default_index_ = index

    def get_default_index(self) -> int | None:
        """The index unknown tokens get, or ``None`` if it is not set."""
        return self.vocab.default_index_

    def insert_token(self, token: str, index: int) -> None:
        """Insert ``token`` at ``index`` (0 to ``len(vocab)``), shifting the tokens from
        ``index`` on by one. ``RuntimeError`` for an index out of range or a token already
        present."""
        self.vocab.insert_token(token, index)

    def append_token(self, token: str) -> None:
        """Add ``token`` at the end. ``RuntimeError`` if it is already present."""
        self.vocab.append_token(token)

    def lookup_token(self, index: int) -> str:
        """The token at ``index``. ``RuntimeError`` if ``index`` is out of range."""
        return self.vocab.lookup_token(index)

    def lookup_tokens(self, indices: list[int]) -> list[str]:
        """The tokens at ``indices``. ``RuntimeError`` if one is out of range."""
        return self.vocab.lookup_tokens(indices)

    def lookup_indices(self, tokens: list[str]) -> list[int]:
        """The indices of ``tokens``."""
        return self.vocab.lookup_indices(tokens)

    def get_stoi(self) -> dict[str, int]:
        """A new dictionary from tokens to indices."""
        return {token: i for i, token in enumerate(self.vocab.itos_)}

    def get_itos(self) -> list[str]:
        """A new list of the tokens in index order."""
        return list(self.vocab.itos_)

    def __prepare_scriptable__(self):
        return self
