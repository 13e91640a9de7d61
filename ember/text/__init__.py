"""ember.text: torchtext on ember (tokenizers, vocabularies, text transforms, datasets).

Under ``python -m ember.run``, ``import torchtext`` gives this package::

    from ember.text.data.utils import get_tokenizer
    from ember.text.vocab import build_vocab_from_iterator

    tokenizer = get_tokenizer("basic_english")
    vocab = build_vocab_from_iterator(map(tokenizer, ["a cat", "a dog"]), specials=["<unk>"])

The sub-packages load on first use.
"""

from __future__ import annotations

import importlib

__version__ = "0.18.0+ember"

_SUBMODULES = frozenset(
    {"data", "datasets", "functional", "tokenizers", "transforms", "utils", "vocab"}
)

__all__ = sorted(_SUBMODULES)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'ember.text' has no attribute {name!r}")
