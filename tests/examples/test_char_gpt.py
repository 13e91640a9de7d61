"""examples/char_gpt.py trains a tiny GPT on the real tiny-shakespeare text, checkpoints it and
samples from the reloaded checkpoint."""

from __future__ import annotations

import math

import pytest

import ember


@pytest.fixture
def example(load_example):
    return load_example("char_gpt")


def test_char_gpt_learns_checkpoints_reloads_and_samples(example, data_dir, tmp_path):
    checkpoint = tmp_path / "gpt.pt"
    result = example.run(
        data_dir,
        steps=60,
        batch_size=8,
        block_size=32,
        n_layer=1,
        n_head=2,
        n_embd=32,
        lr=1e-2,
        eval_interval=20,
        eval_iters=4,
        sample_chars=40,
        checkpoint=checkpoint,
    )
    history = result["history"]
    assert history["step"] == [20, 40, 60]
    assert history["val"][-1] < history["val"][0] - 0.1
    # a uniform guess over the 65 characters costs ln(65) = 4.17 nats; the characters'
    # frequencies alone give about 3.3, which 60 steps reach
    assert result["val_loss"] < math.log(65) - 0.75

    # the best checkpoint is the last evaluation here; the model reloaded from the file (a
    # fresh GPT, tied embedding and head included) gives the trained model's logits
    state = ember.load(checkpoint)
    assert state["step"] == 60 and len(state["chars"]) == 65
    x = ember.randint(65, (2, 32))
    ember.testing.assert_close(result["model"](x)[0], result["trained"](x)[0])
    assert result["model"].head.weight is result["model"].tok.weight

    chars = set(state["chars"])
    for prompt, sample in zip(("\n", "ROMEO:"), result["samples"]):
        assert sample.startswith(prompt) and len(sample) == len(prompt) + 40
        assert set(sample) <= chars


def test_char_gpt_generate_samples_from_the_top_k(example):
    ember.manual_seed(0)
    model = example.GPT(vocab_size=5, block_size=4, n_layer=1, n_head=1, n_embd=8).eval()
    out = model.generate(ember.zeros(3, 2, dtype=ember.long), 6, top_k=1)
    assert out.shape == (3, 8)
    # top_k=1 is greedy: the same prompt gives the same continuation, the argmax each step
    assert (out == out[0]).all()
    logits, _ = model(out[:, -5:-1])
    assert (logits[:, -1].argmax(-1) == out[:, -1]).all()


def test_char_gpt_missing_text_is_one_line(example, tmp_path, monkeypatch):
    def offline(url, dst, *args, **kwargs):
        raise OSError("no network")

    monkeypatch.setattr(ember.hub, "download_url_to_file", offline)
    with pytest.raises(SystemExit) as info:
        example.find_text(tmp_path / "nowhere")
    message = str(info.value)
    assert "tiny-shakespeare" in message and "no network" in message and "\n" not in message


def test_char_gpt_saves_the_best_evaluation_not_the_last(example, data_dir, tmp_path):
    # validation losses scripted to be lowest at the second evaluation (step 20 of 30)
    scripted = iter([3.0, 2.5, 2.8])
    seen = []
    real_estimate = example.estimate_loss

    def estimate_loss(model, data, split, *args):
        if split == "train":
            return real_estimate(model, data, split, *args)
        seen.append({k: v.clone() for k, v in model.state_dict().items()})
        return next(scripted)

    example.estimate_loss = estimate_loss
    checkpoint = tmp_path / "gpt.pt"
    example.run(
        data_dir,
        steps=30,
        batch_size=4,
        block_size=16,
        n_layer=1,
        n_head=1,
        n_embd=16,
        eval_interval=10,
        eval_iters=1,
        sample_chars=5,
        checkpoint=checkpoint,
    )
    saved = ember.load(checkpoint)
    assert saved["step"] == 20 and saved["val_loss"] == 2.5
    for name, value in saved["model"].items():
        ember.testing.assert_close(value, seen[1][name], rtol=0, atol=0)
    assert not ember.equal(saved["model"]["head.weight"], seen[2]["head.weight"])
