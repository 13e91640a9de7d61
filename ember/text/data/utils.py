"""Tokenizer factory and n-gram helpers (torchtext.data.utils)."""

from __future__ import annotations

import random as _random
import re as _re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from functools import partial

__all__ = [
    "RandomShuffler",
    "get_tokenizer",
    "interleave_keys",
    "is_tokenizer_serializable",
    "ngrams_iterator",
]

# basic_english: lower-case the line, then apply these substitutions in order, then split on
# whitespace. Apostrophes become a token of their own, double quotes vanish, the listed
# punctuation is spaced out, ';' and ':' and HTML line breaks become spaces.
_BASIC_ENGLISH_RULES = [
    (_re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\'", " '  "),
        (r"\"", ""),
        (r"\.", " . "),
        (r"<br \/>", " "),
        (r",", " , "),
        (r"\(", " ( "),
        (r"\)", " ) "),
        (r"\!", " ! "),
        (r"\?", " ? "),
        (r"\;", " "),
        (r"\:", " "),
        (r"\s+", " "),
    )
]

# spaCy 3 dropped the two-letter model shortcuts; these are the packages they named.
_SPACY_MODELS = {
    "en": "en_core_web_sm",
    "de": "de_core_news_sm",
    "fr": "fr_core_news_sm",
    "es": "es_core_news_sm",
    "it": "it_core_news_sm",
    "nl": "nl_core_news_sm",
    "pt": "pt_core_news_sm",
    "xx": "xx_ent_wiki_sm",
}


def _split_tokenizer(x: str) -> list[str]:
    return x.split()


def _basic_english_normalize(line: str) -> list[str]:
    line = line.lower()
    for pattern, replacement in _BASIC_ENGLISH_RULES:
        line = pattern.sub(replacement, line)
    return line.split()


def _spacy_tokenize(x: str, spacy) -> list[str]:
    return [tok.text for tok in spacy.tokenizer(x)]


def _missing(tokenizer: str, package: str, hint: str) -> ModuleNotFoundError:
    return ModuleNotFoundError(
        f"get_tokenizer({tokenizer!r}) needs the {package} package, which is not installed: {hint}"
    )


def _spacy(language: str):
    try:
        import spacy
    except ImportError as e:
        raise _missing("spacy", "spaCy", "pip install spacy (https://spacy.io)") from e
    try:
        nlp = spacy.load(language)
    except OSError:
        if language not in _SPACY_MODELS:
            raise
        nlp = spacy.load(_SPACY_MODELS[language])
    return partial(_spacy_tokenize, spacy=nlp)


def get_tokenizer(tokenizer, language: str = "en") -> Callable[[str], list[str]]:
    """Return a function that splits a string into a list of tokens.

    Args:
        tokenizer: ``None`` for ``str.split`` (split on whitespace); ``"basic_english"`` for a
            lower-casing normaliser that spaces out punctuation, drops double quotes and
            HTML line breaks, then splits on whitespace; a callable, returned as it is; or the
            name of a tokenizer library: ``"spacy"``, ``"moses"`` (sacremoses), ``"toktok"``
            (NLTK), ``"revtok"`` or ``"subword"`` (revtok), each of which must be installed.
        language: the language of the text. ``"basic_english"`` accepts only ``"en"``;
            ``"spacy"`` loads the model of this name.

    Raises:
        ValueError: for an unknown name, or ``"basic_english"`` with another language.
        ModuleNotFoundError: when the named library is not installed.

    Example::

        >>> tokenizer = get_tokenizer("basic_english")
        >>> tokenizer("You can now install TorchText using pip!")
        ['you', 'can', 'now', 'install', 'torchtext', 'using', 'pip', '!']
        >>> get_tokenizer(None)("a  b\\tc")
        ['a', 'b', 'c']
    """
    if tokenizer is None:
        return _split_tokenizer
    if tokenizer == "basic_english":
        if language != "en":
            raise ValueError("Basic normalization is only available for Enlish(en)")
        return _basic_english_normalize
    if callable(tokenizer):
        return tokenizer
    if tokenizer == "spacy":
        return _spacy(language)
    if tokenizer == "moses":
        try:
            from sacremoses import MosesTokenizer
        except ImportError as e:
            raise _missing("moses", "sacremoses", "pip install sacremoses") from e
        return MosesTokenizer().tokenize
    if tokenizer == "toktok":
        try:
            from nltk.tokenize.toktok import ToktokTokenizer
        except ImportError as e:
            raise _missing("toktok", "NLTK", "pip install nltk (https://nltk.org)") from e
        return ToktokTokenizer().tokenize
    if tokenizer in ("revtok", "subword"):
        try:
            import revtok
        except ImportError as e:
            raise _missing(tokenizer, "revtok", "pip install revtok") from e
        return revtok.tokenize if tokenizer == "revtok" else partial(revtok.tokenize, decap=True)
    raise ValueError(
        f"Requested tokenizer {tokenizer}, valid choices are a callable that takes a single "
        'string as input, "revtok" for the revtok reversible tokenizer, "subword" for the '
        'revtok caps-aware tokenizer, "spacy" for the SpaCy English tokenizer, or "moses" for '
        "the NLTK port of the Moses tokenization script."
    )


def is_tokenizer_serializable(tokenizer, language) -> bool:
    """Whether the tokenizer ``get_tokenizer(tokenizer, language)`` returns can be pickled
    (a spaCy pipeline cannot)."""
    return tokenizer != "spacy"


def interleave_keys(a: int, b: int) -> int:
    """Interleave the bits of two 16-bit sort keys into one key, so that examples close in
    both keys sort close together (e.g. source and target lengths in translation).

    Example::

        >>> interleave_keys(1, 0), interleave_keys(0, 1), interleave_keys(3, 3)
        (2, 1, 15)
    """
    bits = zip(format(a, "016b"), format(b, "016b"))
    return int("".join(x + y for x, y in bits), base=2)


def ngrams_iterator(token_list: list[str], ngrams: int) -> Iterator[str]:
    """Yield the tokens of ``token_list``, then its 2-grams, ..., ``ngrams``-grams, each
    n-gram as its tokens joined by a space.

    Example::

        >>> list(ngrams_iterator(["here", "we", "are"], 2))
        ['here', 'we', 'are', 'here we', 'we are']
    """
    yield from token_list
    for n in range(2, ngrams + 1):
        for gram in zip(*[token_list[i:] for i in range(n)]):
            yield " ".join(gram)


class RandomShuffler:
    """Shuffle with a random state of its own (Python's ``random``), so that shuffling is
    reproducible and leaves the global state as it was."""

    def __init__(self, random_state=None):
        self._random_state = _random.getstate() if random_state is None else random_state

    @contextmanager
    def use_internal_state(self):
        """Run the body with this shuffler's random state, and keep the state it leaves."""
        old_state = _random.getstate()
        _random.setstate(self._random_state)
        try:
            yield
        finally:
            self._random_state = _random.getstate()
            _random.setstate(old_state)

    @property
    def random_state(self):
        return deepcopy(self._random_state)

    @random_state.setter
    def random_state(self, s):
        self._random_state = s

    def __call__(self, data):
        """A shuffled copy of ``data`` as a list."""
        with self.use_internal_state():
            return _random.sample(data, len(data))
