"""Text datasets read from their original files (torchtext.datasets)."""

from .ag_news import AG_NEWS
from .imdb import IMDB
from .multi30k import Multi30k
from .penntreebank import PennTreebank
from .sst2 import SST2
from .wikitext2 import WikiText2

DATASETS = {
    "AG_NEWS": AG_NEWS,
    "IMDB": IMDB,
    "Multi30k": Multi30k,
    "PennTreebank": PennTreebank,
    "SST2": SST2,
    "WikiText2": WikiText2,
}

__all__ = ["AG_NEWS", "DATASETS", "IMDB", "Multi30k", "PennTreebank", "SST2", "WikiText2"]
