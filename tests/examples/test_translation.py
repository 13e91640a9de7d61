"""examples/translation.py trains a tiny nn.Transformer on a slice of the real Multi30k,
checkpoints the best epoch, decodes greedily and reports BLEU."""

from __future__ import annotations

import sys
from urllib.error import URLError

import pytest

import ember
import ember.vision.datasets.utils


@pytest.fixture
def example(load_example):
    return load_example("translation")


TINY = dict(
    epochs=3,
    max_tokens=600,
    emb_size=32,
    nhead=2,
    ffn=64,
    layers=1,
    warmup=10,
    limit=400,
    test_limit=24,
)


def test_translation_trains_checkpoints_and_scores(example, data_dir, tmp_path):
    checkpoint = tmp_path / "best.pt"
    result = example.run(data_dir, checkpoint=checkpoint, **TINY)
    history = result["history"]
    assert history[-1]["train_loss"] < history[0]["train_loss"] - 0.3
    assert history[-1]["valid_loss"] < history[0]["valid_loss"]
    assert 0.0 <= result["bleu"] <= 100.0 and len(result["hypotheses"]) == 24

    # the file holds the best epoch: a fresh model loaded from it has exactly that epoch's
    # validation loss
    _, valid, test = result["splits"]
    pipeline = result["pipeline"]
    state = ember.load(checkpoint)
    model = example.Seq2SeqTransformer(**state["config"])
    model.load_state_dict(state["model"])
    criterion = ember.nn.CrossEntropyLoss(ignore_index=example.PAD, label_smoothing=0.1)
    batches = example.loader(pipeline, valid, result["max_tokens"], shuffle=False)
    valid_loss = example.evaluate(model, batches, criterion)
    assert valid_loss == pytest.approx(result["valid_loss"], rel=1e-6)
    assert result["valid_loss"] == min(h["valid_loss"] for h in history)

    assert [
        pipeline.tokens(ids) for ids in example.greedy_decode(model, pipeline.collate(test[:5])[0])
    ] == result["hypotheses"][:5]


def test_translation_saves_the_best_epoch_not_the_last(example, data_dir, tmp_path):
    # validation losses scripted to be lowest at epoch 2: the file must hold epoch 2's weights
    scripted = iter([5.0, 4.0, 4.5])
    seen = []

    def evaluate(model, batches, criterion):
        seen.append({k: v.clone() for k, v in model.state_dict().items()})
        return next(scripted)

    example.evaluate = evaluate
    checkpoint = tmp_path / "best.pt"
    result = example.run(data_dir, checkpoint=checkpoint, **{**TINY, "limit": 100, "test_limit": 4})
    assert result["epoch"] == 2 and result["valid_loss"] == 4.0
    saved = ember.load(checkpoint)["model"]
    for name, value in saved.items():
        ember.testing.assert_close(value, seen[1][name], rtol=0, atol=0)
    assert not ember.equal(saved["generator.weight"], seen[2]["generator.weight"])


def test_translation_greedy_decoding_ignores_padding(example):
    # a freshly initialised model: its argmax depends on every input token, so a batch padded
    # to its longest sentence decodes as each sentence does alone only if padding is masked
    ember.manual_seed(0)
    pipeline = example.Pipeline(
        [
            ("a man runs on the beach .", "ein mann läuft am strand ."),
            ("two dogs play in the snow .", "zwei hunde spielen im schnee ."),
        ],
        min_freq=1,
    )
    model = example.Seq2SeqTransformer(
        1, 1, 16, 2, len(pipeline.vocab["en"]), len(pipeline.vocab["de"]), 32, 0.0
    )
    pairs = [("a man runs", ""), ("two dogs play in the snow on the beach .", ""), ("the man", "")]
    together = example.greedy_decode(model, pipeline.collate(pairs)[0], max_extra=3)
    alone = [example.greedy_decode(model, pipeline.collate([p])[0], max_extra=3)[0] for p in pairs]
    assert together == alone
    # no <eos> from this model: each sentence stops at its own limit, its source tokens (with
    # <bos> and <eos>) plus max_extra
    assert [len(ids) for ids in together] == [8, 15, 7]


def test_translation_batches_cover_every_pair_once_within_the_budget(example):
    lengths = [int(n) for n in ember.randint(2, 30, (500,))]
    batches = example.Batches(lengths, 200, shuffle=True, generator=ember.Generator())
    for _ in range(2):  # a new draw each pass, always a partition within the token budget
        drawn = list(batches)
        assert len(drawn) == len(batches)
        assert sorted(i for batch in drawn for i in batch) == list(range(500))
        assert all(max(lengths[i] for i in b) * len(b) <= 200 for b in drawn)
    assert list(batches) != drawn


def test_translation_bleu_with_and_without_sacrebleu(example, monkeypatch):
    pairs = [("a", "Ein Mann fährt Fahrrad."), ("b", "Zwei Hunde spielen im Schnee.")]
    perfect = [example.tokenize(de) for _, de in pairs]
    assert example.detokenize(perfect[0]) == pairs[0][1]
    score, scorer = example.bleu(perfect, pairs)
    assert score == pytest.approx(100.0) and "sacreBLEU" in scorer
    monkeypatch.setitem(sys.modules, "sacrebleu", None)  # as if it were not installed
    score, scorer = example.bleu(perfect, pairs)
    assert score == pytest.approx(100.0) and scorer.endswith("bleu_score")
    partial = [["Ein", "Mann", "fährt", "Fahrrad", "!"], ["Zwei", "Hunde", "spielen", "."]]
    fallback = example.bleu(partial, pairs)[0]
    monkeypatch.delitem(sys.modules, "sacrebleu")
    assert 0.0 < example.bleu(partial, pairs)[0] < 100.0 and 0.0 < fallback < 100.0


def test_translation_tokenizer_keeps_words_whole(example):
    assert example.tokenize("A man's T-shirt, (red).") == [
        "A",
        "man's",
        "T-shirt",
        ",",
        "(",
        "red",
        ")",
        ".",
    ]


def test_translation_missing_data_is_one_line(example, tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise URLError("no network")

    monkeypatch.setattr(ember.vision.datasets.utils, "download_url", offline)
    with pytest.raises(SystemExit) as info:
        example.run(tmp_path / "nowhere", epochs=1)
    message = str(info.value)
    assert "Multi30k" in message and "no network" in message and "\n" not in message
