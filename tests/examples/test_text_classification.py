"""examples/text_classification.py trains the EmbeddingBag classifier on a slice of the real
AG News test split, checkpoints the best epoch and scores the held-out part."""

from __future__ import annotations

from urllib.error import URLError

import pytest

import ember
import ember.vision.datasets.utils
from ember.utils.data import DataLoader


@pytest.fixture
def example(load_example):
    return load_example("text_classification")


def test_text_classification_learns_and_keeps_the_best_epoch(example, data_dir, tmp_path):
    checkpoint = tmp_path / "best.pt"
    result = example.run(
        data_dir, epochs=3, embed_dim=32, ngrams=2, limit=2000, checkpoint=checkpoint
    )
    train_set, valid_set, test_set = result["splits"]
    assert (len(train_set), len(valid_set), len(test_set)) == (1400, 200, 400)
    # the three parts are disjoint
    assert not set(train_set.indices) & set(valid_set.indices)
    assert not set(valid_set.indices) & set(test_set.indices)

    history = result["history"]
    assert history[-1]["train_loss"] < history[0]["train_loss"]
    # four balanced classes: chance is 0.25
    assert result["accuracy"] > 0.5

    # the checkpoint on disk is the best epoch's: a fresh model loaded from it scores exactly
    # the validation accuracy recorded for that epoch
    pipeline = result["pipeline"]
    model = example.TextClassificationModel(len(pipeline.vocab), 32, 4)
    model.load_state_dict(ember.load(checkpoint))
    valid = DataLoader(valid_set, batch_size=50, collate_fn=pipeline.collate_batch)
    _, accuracy = example.evaluate(model, valid, ember.nn.CrossEntropyLoss())
    assert accuracy == result["valid_accuracy"]
    assert result["valid_accuracy"] == max(h["valid_acc"] for h in history)


def test_text_classification_collate_packs_offsets(example):
    pipeline = example.Pipeline(["a b c", "b c d"], ngrams=2, min_freq=1)
    labels, text, offsets = pipeline.collate_batch([(3, "a b"), (1, "c d e")])
    assert labels.tolist() == [2, 0]
    # "a b" -> a, b, "a b"; "c d e" -> c, d, e (unknown), "c d", "d e" (unknown)
    assert offsets.tolist() == [0, 3] and len(text) == 8
    unk = pipeline.vocab["<unk>"]
    assert text[3:].tolist() == [
        pipeline.vocab["c"],
        pipeline.vocab["d"],
        unk,
        pipeline.vocab["c d"],
        unk,
    ]


def test_text_classification_missing_data_is_one_line(example, tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise URLError("no network")

    monkeypatch.setattr(ember.vision.datasets.utils, "download_url", offline)
    with pytest.raises(SystemExit) as info:
        example.run(tmp_path / "nowhere", epochs=1)
    message = str(info.value)
    assert "AG_NEWS" in message and "no network" in message and "\n" not in message


def test_text_classification_saves_the_best_epoch_not_the_last(example, data_dir, tmp_path):
    # validation accuracies scripted to peak at epoch 2: the file must hold epoch 2's weights
    scripted = iter([0.5, 0.9, 0.7])
    seen = []
    real_evaluate = example.evaluate

    def evaluate(model, loader, criterion):
        loss, accuracy = real_evaluate(model, loader, criterion)
        if len(seen) < 3:  # the three epochs' validation; the last call scores the held-out part
            seen.append({k: v.clone() for k, v in model.state_dict().items()})
            return loss, next(scripted)
        return loss, accuracy

    example.evaluate = evaluate
    checkpoint = tmp_path / "best.pt"
    result = example.run(data_dir, epochs=3, embed_dim=16, limit=600, checkpoint=checkpoint)
    assert result["epoch"] == 2 and result["valid_accuracy"] == 0.9
    saved = ember.load(checkpoint)
    for name, value in saved.items():
        ember.testing.assert_close(value, seen[1][name], rtol=0, atol=0)
    assert not ember.equal(saved["fc.weight"], seen[2]["fc.weight"])
