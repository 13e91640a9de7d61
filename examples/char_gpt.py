"""Train a character-level GPT on tiny-shakespeare with ember, the way one would with PyTorch.

A decoder-only Transformer (token and position embeddings, pre-norm blocks with causal
``scaled_dot_product_attention``, an output head tied to the token embedding) learns to predict
the next character of Shakespeare's plays. AdamW (weight decay on matrices only), a linear warmup
then cosine learning rate (``LinearLR`` + ``CosineAnnealingLR`` in a ``SequentialLR``), gradient
clipping, a tqdm bar with the loss and the throughput, the validation loss every
``--eval-interval`` steps, the best checkpoint saved (``torch.save`` of the state_dict, the
configuration and the vocabulary), reloaded at the end, scored on the whole validation split and
sampled.

    python examples/char_gpt.py --threads 1          # the full run measured below
    python examples/char_gpt.py --steps 200 --n-layer 2 --n-embd 64   # a quick look
    python -m ember.run examples/char_gpt.py         # the same, torch resolving to ember

Measured full run (the defaults: 4 layers, 4 heads, width 128, 816,000 parameters, a context
of 128 characters, batches of 16, 2,000 steps at a peak learning rate of 3e-3), on the project's
shared 2-core machine with ``--threads 1`` (another job held the second core; two BLAS threads
were slower there): 9 min 30 s in all, about 7,300 characters a second; validation loss 1.627
nats per character (2.35 bits) over the whole validation split (the text's last 10%), training
loss 1.42. The samples read like this:

    ROMEO:
    Nay, the wears, I am this son the conspitate:
    But insta hath thou wed heart of me.
    First Murderer:
    Pitizens; yet the new accase is clooks,

``--data`` is a folder holding ``tinyshakespeare/input.txt`` (default: ``../shared/data``
beside the repository when it exists, else ``./data``, where the text is downloaded).
``tqdm`` comes with ``pip install 'ember[examples]'``.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

from _common import checkpoint_path, default_data
from tqdm import tqdm

import ember as torch
import ember.nn.functional as F
from ember import nn

URL = "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"


# ----------------------------------------------------------------------------- the model


class SelfAttention(nn.Module):
    """Multi-head causal self-attention: one projection to queries, keys and values."""

    def __init__(self, n_embd, n_head, dropout):
        super().__init__()
        self.n_head = n_head
        self.qkv = nn.Linear(n_embd, 3 * n_embd, bias=False)
        self.proj = nn.Linear(n_embd, n_embd, bias=False)
        self.dropout = dropout
        self.proj_drop = nn.Dropout(dropout)

    def forward(self, x):
        batch, time_, channels = x.shape
        # (B, T, 3C) -> three (B, heads, T, C / heads)
        qkv = self.qkv(x).view(batch, time_, 3, self.n_head, channels // self.n_head)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
        y = F.scaled_dot_product_attention(
            q, k, v, dropout_p=self.dropout if self.training else 0.0, is_causal=True
        )
        y = y.transpose(1, 2).reshape(batch, time_, channels)
        return self.proj_drop(self.proj(y))


class Block(nn.Module):
    """A pre-norm Transformer block: x + attn(ln(x)), then x + mlp(ln(x))."""

    def __init__(self, n_embd, n_head, dropout):
        super().__init__()
        self.ln1 = nn.LayerNorm(n_embd)
        self.attn = SelfAttention(n_embd, n_head, dropout)
        self.ln2 = nn.LayerNorm(n_embd)
        self.mlp = nn.Sequential(
            nn.Linear(n_embd, 4 * n_embd),
            nn.GELU(),
            nn.Linear(4 * n_embd, n_embd),
            nn.Dropout(dropout),
        )

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size=128, n_layer=4, n_head=4, n_embd=128, dropout=0.0):
        super().__init__()
        self.block_size = block_size
        self.tok = nn.Embedding(vocab_size, n_embd)
        self.pos = nn.Embedding(block_size, n_embd)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.Sequential(*[Block(n_embd, n_head, dropout) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab_size, bias=False)
        self.head.weight = self.tok.weight  # weight tying
        self.apply(self._init)
        for name, p in self.named_parameters():  # residual outputs: smaller, depth-scaled init
            if name.endswith("proj.weight") or name.endswith("mlp.2.weight"):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * n_layer))

    @staticmethod
    def _init(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, idx, targets=None):
        """Logits (B, T, vocab) for every position; with targets, also the mean cross-entropy."""
        positions = torch.arange(idx.shape[1], device=idx.device)
        x = self.drop(self.tok(idx) + self.pos(positions))
        logits = self.head(self.ln_f(self.blocks(x)))
        if targets is None:
            return logits, None
        return logits, F.cross_entropy(logits.flatten(0, 1), targets.flatten())

    @torch.no_grad()
    def generate(self, idx, max_new_tokens, temperature=0.8, top_k=None, generator=None):
        """Extend idx (B, T) by sampling one character at a time from the model's softmax."""
        for _ in range(max_new_tokens):
            logits, _ = self(idx[:, -self.block_size :])
            logits = logits[:, -1, :] / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[:, -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            nxt = torch.multinomial(F.softmax(logits, dim=-1), 1, generator=generator)
            idx = torch.cat([idx, nxt], dim=1)
        return idx


# ----------------------------------------------------------------------------- the data


class CharData:
    """The text as one long tensor of character ids, split 90% / 10% into train and val."""

    def __init__(self, path):
        text = Path(path).read_text(encoding="utf-8")
        self.chars = sorted(set(text))
        self.stoi = {c: i for i, c in enumerate(self.chars)}
        ids = torch.tensor([self.stoi[c] for c in text], dtype=torch.long)
        n = int(0.9 * len(ids))
        self.train, self.val = ids[:n], ids[n:]

    def encode(self, s):
        return [self.stoi[c] for c in s]

    def decode(self, ids):
        return "".join(self.chars[i] for i in ids)

    def batch(self, split, batch_size, block_size, generator=None):
        """batch_size random windows of block_size characters and the same shifted by one."""
        data = self.train if split == "train" else self.val
        starts = torch.randint(len(data) - block_size, (batch_size,), generator=generator)
        x = torch.stack([data[s : s + block_size] for s in starts.tolist()])
        y = torch.stack([data[s + 1 : s + 1 + block_size] for s in starts.tolist()])
        return x, y


def find_text(data):
    """The path of tinyshakespeare/input.txt under ``data`` (default: the shared data folder
    when it exists, else ./data), downloading it there when it is missing."""
    data = default_data() if data is None else Path(data).expanduser()
    path = data / "tinyshakespeare" / "input.txt"
    if not path.is_file():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            torch.hub.download_url_to_file(URL, str(path))
        except OSError as e:
            reason = " ".join(str(e).split())
            raise SystemExit(
                f"error: tiny-shakespeare is not at {path} and could not be fetched ({reason})."
                " Point --data at a folder holding tinyshakespeare/input.txt."
            ) from None
    return path


# ----------------------------------------------------------------------------- training


@torch.no_grad()
def estimate_loss(model, data, split, batches, batch_size, generator):
    model.eval()
    losses = [
        model(*data.batch(split, batch_size, model.block_size, generator))[1].item()
        for _ in range(batches)
    ]
    model.train()
    return sum(losses) / len(losses)


@torch.no_grad()
def full_val_loss(model, data, batch_size=64):
    """Mean loss per character over the whole validation text, in consecutive windows."""
    model.eval()
    t = model.block_size
    n = (len(data.val) - 1) // t
    x = data.val[: n * t].view(n, t)
    y = data.val[1 : n * t + 1].view(n, t)
    total = 0.0
    for i in range(0, n, batch_size):
        xb, yb = x[i : i + batch_size], y[i : i + batch_size]
        total += model(xb, yb)[1].item() * len(xb)
    return total / n


def run(
    data=None,
    steps=2000,
    batch_size=16,
    block_size=128,
    n_layer=4,
    n_head=4,
    n_embd=128,
    dropout=0.0,
    lr=3e-3,
    min_lr=1e-4,
    warmup=100,
    weight_decay=0.1,
    eval_interval=250,
    eval_iters=20,
    sample_chars=300,
    checkpoint="char_gpt.pt",
    seed=1337,
):
    """Train, keep the best checkpoint by validation loss, reload it, sample. Returns
    ``{"model" (reloaded), "trained", "val_loss", "history", "samples", "minutes"}``."""
    checkpoint = checkpoint_path(checkpoint)
    torch.manual_seed(seed)
    data = CharData(find_text(data))
    config = dict(
        vocab_size=len(data.chars),
        block_size=block_size,
        n_layer=n_layer,
        n_head=n_head,
        n_embd=n_embd,
        dropout=dropout,
    )
    model = GPT(**config)
    print(
        f"{len(data.train):,} training characters, vocabulary {len(data.chars)}, "
        f"{sum(p.numel() for p in model.parameters()):,} parameters"
    )
    warmup = max(1, min(warmup, steps // 10))
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0}],
        lr=lr,
        betas=(0.9, 0.99),
    )
    scheduler = torch.optim.lr_scheduler.SequentialLR(
        optimizer,
        [
            torch.optim.lr_scheduler.LinearLR(optimizer, 1 / warmup, 1.0, total_iters=warmup),
            torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps - warmup, min_lr),
        ],
        milestones=[warmup],
    )
    eval_gen = torch.Generator().manual_seed(seed + 1)  # evaluation draws its own windows
    history = {"step": [], "train": [], "val": []}
    best = math.inf
    start = time.perf_counter()
    bar = tqdm(range(1, steps + 1), desc="train", unit="step", mininterval=1.0)
    for step in bar:
        x, y = data.batch("train", batch_size, block_size)
        _, loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        rate = step * batch_size * block_size / (time.perf_counter() - start)
        bar.set_postfix(loss=f"{loss.item():.3f}", tok_s=f"{rate:,.0f}", refresh=False)
        if step % eval_interval == 0 or step == steps:
            train_loss = estimate_loss(model, data, "train", eval_iters, batch_size, eval_gen)
            val_loss = estimate_loss(model, data, "val", eval_iters, batch_size, eval_gen)
            for key, value in zip(history, (step, train_loss, val_loss)):
                history[key].append(value)
            saved = ""
            if val_loss < best:
                best = val_loss
                torch.save(
                    {
                        "model": model.state_dict(),
                        "config": config,
                        "chars": data.chars,
                        "step": step,
                        "val_loss": val_loss,
                    },
                    checkpoint,
                )
                saved = f", saved to {checkpoint}"
            bar.write(f"step {step}: train loss {train_loss:.4f}, val loss {val_loss:.4f}{saved}")
    bar.close()
    minutes = (time.perf_counter() - start) / 60

    trained = model
    state = torch.load(checkpoint)
    model = GPT(**state["config"])
    model.load_state_dict(state["model"])
    val_loss = full_val_loss(model, data)
    print(
        f"best checkpoint (step {state['step']}) reloaded: validation loss {val_loss:.4f} "
        f"nats/char ({val_loss / math.log(2):.3f} bits/char) over the whole validation split; "
        f"trained {minutes:.1f} min"
    )
    samples = []
    gen = torch.Generator().manual_seed(seed)
    for prompt in ("\n", "ROMEO:"):
        idx = torch.tensor([data.encode(prompt)], dtype=torch.long)
        out = model.generate(idx, sample_chars, temperature=0.8, top_k=20, generator=gen)
        samples.append(data.decode(out[0].tolist()))
        print(f"--- sample (prompt {prompt!r}) ---\n{samples[-1]}")
    return {
        "trained": trained,
        "val_loss": val_loss,
        "history": history,
        "samples": samples,
        "model": model,
        "minutes": minutes,
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--data",
        default=None,
        help="folder holding tinyshakespeare/input.txt (default: ../shared/data "
        "when it exists, else ./data, downloading the text there)",
    )
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--block-size", type=int, default=128)
    p.add_argument("--n-layer", type=int, default=4)
    p.add_argument("--n-head", type=int, default=4)
    p.add_argument("--n-embd", type=int, default=128)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--eval-interval", type=int, default=250)
    p.add_argument("--eval-iters", type=int, default=20)
    p.add_argument("--sample-chars", type=int, default=300)
    p.add_argument("--checkpoint", default="char_gpt.pt")
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    run(
        a.data,
        a.steps,
        a.batch_size,
        a.block_size,
        a.n_layer,
        a.n_head,
        a.n_embd,
        a.dropout,
        a.lr,
        eval_interval=a.eval_interval,
        eval_iters=a.eval_iters,
        sample_chars=a.sample_chars,
        checkpoint=a.checkpoint,
        seed=a.seed,
    )


if __name__ == "__main__":
    main()
