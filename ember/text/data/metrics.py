"""BLEU (torchtext.data.metrics)."""

from __future__ import annotations

import collections as _collections
import math as _math

from ... import exp as _exp
from ... import log as _log
from ... import tensor as _tensor
from .utils import ngrams_iterator

__all__ = ["bleu_score"]


def _compute_ngram_counter(tokens, max_n: int) -> _collections.Counter:
    """Counts of the 1- to ``max_n``-grams of ``tokens``, each a tuple of tokens."""
    assert max_n > 0
    return _collections.Counter(tuple(x.split(" ")) for x in ngrams_iterator(tokens, max_n))


def bleu_score(candidate_corpus, references_corpus, max_n=4, weights=(0.25,) * 4) -> float:
    """The BLEU score of a corpus of candidate translations against their references
    (Papineni et al. 2002, https://www.aclweb.org/anthology/P02-1040.pdf), as torchtext
    computes it: clipped n-gram precisions summed over the whole corpus, their weighted
    geometric mean (in float32, like torchtext's tensors), times the brevity penalty with the
    reference length closest to each candidate's. Any n-gram order without a match gives 0.

    Args:
        candidate_corpus: the candidate translations, each a list of tokens.
        references_corpus: for each candidate, a list of reference translations, each a list
            of tokens.
        max_n: the largest n-gram order used.
        weights: the weight of each order (``max_n`` of them).

    Example::

        >>> candidates = [["My", "full", "pytorch", "test"], ["Another", "Sentence"]]
        >>> references = [[["My", "full", "pytorch", "test"], ["Completely", "Different"]],
        ...               [["No", "Match"]]]
        >>> round(bleu_score(candidates, references), 6)
        0.840896
    """
    assert max_n == len(weights), 'Length of the "weights" list has be equal to max_n'
    assert len(candidate_corpus) == len(references_corpus), (
        "The length of candidate and reference corpus should be the same"
    )
    clipped = [0] * max_n
    total = [0] * max_n
    candidate_len = 0.0
    refs_len = 0.0
    for candidate, refs in zip(candidate_corpus, references_corpus):
        candidate_len += len(candidate)
        ref_lens = [float(len(ref)) for ref in refs]
        refs_len += min(ref_lens, key=lambda x: abs(len(candidate) - x))
        ref_counts = _compute_ngram_counter(refs[0], max_n)
        for ref in refs[1:]:
            ref_counts = ref_counts | _compute_ngram_counter(ref, max_n)
        cand_counts = _compute_ngram_counter(candidate, max_n)
        for ngram, count in (cand_counts & ref_counts).items():
            clipped[len(ngram) - 1] += count
        for ngram, count in cand_counts.items():
            total[len(ngram) - 1] += count
    if min(clipped) == 0:
        return 0.0
    # torchtext keeps the counts in default-dtype (float32) tensors
    pn = _tensor([float(c) for c in clipped]) / _tensor([float(t) for t in total])
    log_pn = _tensor(list(weights)) * _log(pn)
    acc = 0
    for term in log_pn:  # summed one term at a time in float32, as torchtext's sum() does
        acc = acc + term
    score = _exp(acc)
    bp = _math.exp(min(1 - refs_len / candidate_len, 0))
    return bp * score.item()
