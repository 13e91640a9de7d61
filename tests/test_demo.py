"""The README's first command: the demo trains on the digits shipped inside the package."""

from __future__ import annotations

import ember.demo


def test_demo_learns_the_digits():
    accuracy = ember.demo.main(epochs=4)
    # ten balanced classes: chance is 0.1; a working pipeline gets above 0.9 in a few epochs
    assert accuracy > 0.9


def test_shipped_data_loads():
    images, labels = ember.demo.load_digits()
    assert images.shape == (1797, 1, 8, 8) and labels.shape == (1797,)
    assert float(images.max()) == 1.0 and sorted(set(labels.tolist())) == list(range(10))
