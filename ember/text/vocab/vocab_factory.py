"""Building a Vocab from token counts or a token stream (torchtext.vocab.vocab_factory)."""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterable

from .vocab import Vocab, _VocabCore

__all__ = ["build_vocab_from_iterator", "vocab"]


def vocab(
    ordered_dict: dict,
    min_freq: int = 1,
    specials: list[str] | None = None,
    special_first: bool = True,
) -> Vocab:
    """A :class:`Vocab` of the tokens of ``ordered_dict`` seen at least ``min_freq`` times.

    Tokens keep the dictionary's order (sort it by frequency first if that order matters).
    As in torchtext, the ``specials`` are removed from ``ordered_dict`` itself, then placed
    first (``special_first=True``) or last, in the order given.

    Args:
        ordered_dict: tokens mapped to their frequencies, in the order wanted.
        min_freq: the smallest frequency a token needs to be included.
        specials: special symbols to add (e.g. ``["<unk>", "<pad>"]``).
        special_first: whether the specials go at the beginning or at the end.

    Example::

        >>> from collections import OrderedDict
        >>> v = vocab(OrderedDict([("b", 3), ("a", 2), ("c", 1)]), min_freq=2, specials=["<pad>"])
        >>> v.get_itos()
        ['<pad>', 'b', 'a']
    """
    specials = specials or []
    for token in specials:
        ordered_dict.pop(token, None)
    tokens = [token for token, freq in ordered_dict.items() if freq >= min_freq]
    tokens = specials + tokens if special_first else tokens + specials
    return Vocab(_VocabCore(tokens, None))


def build_vocab_from_iterator(
    iterator: Iterable,
    min_freq: int = 1,
    specials: list[str] | None = None,
    special_first: bool = True,
    max_tokens: int | None = None,
) -> Vocab:
    """Count the tokens of an iterator of token lists and build a :class:`Vocab`.

    Tokens are ordered by decreasing frequency, ties broken by the tokens' sort order
    (lexicographic for strings). With ``max_tokens``, only the ``max_tokens - len(specials)``
    first tokens of that order are kept, before ``min_freq`` and the specials apply.

    Args:
        iterator: yields lists (or iterables) of tokens.
        min_freq: the smallest frequency a token needs to be included.
        specials: special symbols to add, in the order given.
        special_first: whether the specials go at the beginning or at the end.
        max_tokens: the size limit of the vocab, specials included.

    Example::

        >>> v = build_vocab_from_iterator([["a", "b", "b"], ["c", "a"]], specials=["<unk>"])
        >>> v.get_itos()
        ['<unk>', 'a', 'b', 'c']
    """
    counter = Counter()
    for tokens in iterator:
        counter.update(tokens)
    specials = specials or []
    by_frequency = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    if max_tokens is not None:
        assert len(specials) < max_tokens, (
            "len(specials) >= max_tokens, so the vocab will be entirely special tokens."
        )
        by_frequency = by_frequency[: max_tokens - len(specials)]
    return vocab(
        OrderedDict(by_frequency), min_freq=min_freq, specials=specials, special_first=special_first
    )
