"""``ember.__version__`` compares as ``torch.__version__`` does (``>= "2.0"`` idioms)."""

from __future__ import annotations

import pytest
import torch

import ember


@pytest.mark.parametrize(
    "other", ["2.0", "1.12.1", "2.13", "2.13.0", "2.14", "3", (2, 0), (1, 12), (2, 13, 0), (2, 14)]
)
def test_comparisons_agree_with_torchs_at_the_same_release(other):
    ours, theirs = ember.__version__, torch.__version__
    assert ours.split("+")[0] == theirs.split("+")[0]  # the API level ember follows
    assert (ours >= other, ours < other, ours > other, ours <= other) == (
        theirs >= other,
        theirs < other,
        theirs > other,
        theirs <= other,
    )
    assert (ours == other) is False and (theirs == other) is False


def test_it_is_a_string_naming_ember():
    assert isinstance(ember.__version__, str)
    assert ember.__version__.endswith(f"+ember{ember.version.ember_version}")
    with pytest.raises(ValueError):
        _ = ember.__version__ < "not a version"
