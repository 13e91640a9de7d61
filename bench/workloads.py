"""The benchmark suite's workloads (issue 11), written once in plain PyTorch API.

Every workload is a function ``setup(torch, size="full")`` that builds a model, its optimizer and
synthetic data (fixed seeds) with the library it is given -- ``import torch`` or
``import ember as torch`` -- and returns a ``Workload``: a ``step()`` callable (one training step,
one evaluation pass, one epoch of a loader...) and ``per``, the number of units one step holds
(``op_overhead`` reports microseconds per op, so its ``per`` is 100). ``size="tiny"`` shrinks
every workload to a few milliseconds for the tests (``tests/test_bench_suite.py``); the timings
use ``size="full"``.

Nothing here imports torch or ember: ``bench/compare.py`` passes the module in, one library per
process. The ``dataloader`` workload is the one place where the two sides differ in code:
torchvision cannot be installed beside torch 2.13 here, so the torch side reads the same PNG folder
with a small ``Dataset`` class doing the same work with Pillow and NumPy (open, convert to RGB,
random crop, random horizontal flip, scale to [0, 1], normalize, CHW), while the ember side uses
``ember.vision.datasets.ImageFolder`` with ``ember.vision.transforms``, as a user would.
"""

from __future__ import annotations

import math
import os
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass
class Workload:
    """One benchmark: ``step()`` runs one unit of work; ``per`` units make one step."""

    step: Callable[[], object]
    per: int = 1
    unit: str = "step"


def _is_tiny(size: str) -> bool:
    if size not in ("full", "tiny"):
        raise ValueError(f"size must be 'full' or 'tiny', got {size!r}")
    return size == "tiny"


def _randn(torch, seed: int, *shape):
    return torch.from_numpy(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


def _randint(torch, seed: int, high: int, *shape):
    return torch.from_numpy(np.random.default_rng(seed).integers(0, high, shape).astype(np.int64))


def _train_step(torch, model, opt, loss_fn, batches, clip=None):
    """A step closure cycling over ``batches`` (a list of (input, target))."""
    state = {"i": 0}

    def step():
        x, y = batches[state["i"] % len(batches)]
        state["i"] += 1
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        return loss

    return step


# ----------------------------------------------------------------------------- op overhead
def op_overhead(torch, size="full"):
    """A chain of 100 elementwise ops on a 4x4 tensor, forward and backward (per op)."""
    _is_tiny(size)
    x = _randn(torch, 0, 4, 4).requires_grad_()

    def step():
        y = x
        for i in range(25):
            y = y * 1.01
            y = y + x
            y = y.tanh()
            y = y - 0.5 if i % 2 else y.sin()
        y.sum().backward()
        x.grad = None

    return Workload(step, per=100, unit="op")


# ----------------------------------------------------------------------------- mlp
def mlp(torch, size="full"):
    """784-1024-1024-10 ReLU MLP, batch 128, cross-entropy, SGD with momentum."""
    torch.manual_seed(0)
    nn = torch.nn
    hidden, batch = (32, 8) if _is_tiny(size) else (1024, 128)
    model = nn.Sequential(
        nn.Linear(784, hidden),
        nn.ReLU(),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Linear(hidden, 10),
    )
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    batches = [
        (_randn(torch, s, batch, 784), _randint(torch, s + 100, 10, batch)) for s in range(4)
    ]
    return Workload(_train_step(torch, model, opt, nn.CrossEntropyLoss(), batches))


# ----------------------------------------------------------------------------- cnn
def _mnist_net(torch, width):
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32 // width, 3, 1)
            self.conv2 = nn.Conv2d(32 // width, 64 // width, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(9216 // width, 128 // width)
            self.fc2 = nn.Linear(128 // width, 10)

        def forward(self, x):
            F = torch.nn.functional
            x = F.relu(self.conv1(x))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = torch.flatten(self.dropout1(x), 1)
            x = self.dropout2(F.relu(self.fc1(x)))
            return F.log_softmax(self.fc2(x), dim=1)

    return Net()


def cnn(torch, size="full"):
    """The classic MNIST convnet (conv32-conv64-maxpool-dropout-fc128-fc10), batch 64, Adam."""
    torch.manual_seed(0)
    width, batch = (8, 4) if _is_tiny(size) else (1, 64)
    model = _mnist_net(torch, width)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [
        (_randn(torch, s, batch, 1, 28, 28), _randint(torch, s + 100, 10, batch)) for s in range(4)
    ]
    return Workload(_train_step(torch, model, opt, torch.nn.functional.nll_loss, batches))


# ----------------------------------------------------------------------------- resnets
def _basic_block(torch):
    nn = torch.nn

    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.shortcut = None
            if stride != 1 or cin != cout:
                self.shortcut = nn.Sequential(
                    nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
                )

        def forward(self, x):
            out = torch.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return torch.relu(out + (x if self.shortcut is None else self.shortcut(x)))

    return BasicBlock


def cifar_resnet(torch, blocks_per_stage=1, widths=(16, 32, 64), num_classes=10):
    """CIFAR ResNet-(6n+2) of He et al.; ``blocks_per_stage=1`` is ResNet-8."""
    nn = torch.nn
    block = _basic_block(torch)
    layers = [nn.Conv2d(3, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU()]
    cin = widths[0]
    for i, w in enumerate(widths):
        for b in range(blocks_per_stage):
            layers.append(block(cin, w, 2 if i > 0 and b == 0 else 1))
            cin = w
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, num_classes)]
    return nn.Sequential(*layers)


def resnet18(torch, num_classes=1000, widths=(64, 128, 256, 512)):
    """The ImageNet ResNet-18 (two basic blocks per stage), as torchvision lays it out."""
    nn = torch.nn
    block = _basic_block(torch)
    layers = [
        nn.Conv2d(3, widths[0], 7, 2, 3, bias=False),
        nn.BatchNorm2d(widths[0]),
        nn.ReLU(),
        nn.MaxPool2d(3, 2, 1),
    ]
    cin = widths[0]
    for i, w in enumerate(widths):
        for b in range(2):
            layers.append(block(cin, w, 2 if i > 0 and b == 0 else 1))
            cin = w
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, num_classes)]
    return nn.Sequential(*layers)


def resnet(torch, size="full"):
    """CIFAR ResNet-8 with BatchNorm, batch 32, SGD with momentum."""
    torch.manual_seed(0)
    tiny = _is_tiny(size)
    model = cifar_resnet(torch, widths=(4, 8, 8) if tiny else (16, 32, 64))
    batch, hw = (2, 8) if tiny else (32, 32)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    batches = [
        (_randn(torch, s, batch, 3, hw, hw), _randint(torch, s + 100, 10, batch)) for s in range(4)
    ]
    return Workload(_train_step(torch, model, opt, torch.nn.CrossEntropyLoss(), batches))


def inference_resnet18(torch, size="full"):
    """ResNet-18 forward in eval mode under no_grad, batch 8 at 224x224."""
    torch.manual_seed(0)
    tiny = _is_tiny(size)
    model = resnet18(torch, widths=(4, 8, 8, 8) if tiny else (64, 128, 256, 512)).eval()
    x = _randn(torch, 0, 1 if tiny else 8, 3, 32 if tiny else 224, 32 if tiny else 224)

    def step():
        with torch.no_grad():
            return model(x)

    return Workload(step)


# ----------------------------------------------------------------------------- word LMs
WIKITEXT2_VOCAB = 33278  # the word-language-model example's vocabulary on WikiText-2


def _rnn_lm(torch, ntoken, ninp, nhid, nlayers, dropout):
    nn = torch.nn

    class RNNModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.drop = nn.Dropout(dropout)
            self.encoder = nn.Embedding(ntoken, ninp)
            self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout)
            self.decoder = nn.Linear(nhid, ntoken)

        def forward(self, inp, hidden):
            emb = self.drop(self.encoder(inp))
            out, hidden = self.rnn(emb, hidden)
            return self.decoder(self.drop(out)).view(-1, ntoken), hidden

        def init_hidden(self, bsz):
            w = next(self.parameters())
            return (w.new_zeros(nlayers, bsz, nhid), w.new_zeros(nlayers, bsz, nhid))

    return RNNModel()


def _transformer_lm(torch, ntoken, d, nhead, nhid, nlayers, dropout):
    nn = torch.nn

    class TransformerLM(nn.Module):
        """The word-language-model example's TransformerModel (sequence-first, causal)."""

        def __init__(self):
            super().__init__()
            self.encoder = nn.Embedding(ntoken, d)
            layer = nn.TransformerEncoderLayer(d, nhead, nhid, dropout)
            self.transformer = nn.TransformerEncoder(layer, nlayers, enable_nested_tensor=False)
            self.decoder = nn.Linear(d, ntoken)
            pos = torch.arange(0, 512).float().unsqueeze(1)
            div = torch.exp(torch.arange(0, d, 2).float() * (-math.log(10000.0) / d))
            pe = torch.zeros(512, 1, d)
            pe[:, 0, 0::2] = torch.sin(pos * div)
            pe[:, 0, 1::2] = torch.cos(pos * div)
            self.register_buffer("pe", pe)
            self.drop = nn.Dropout(dropout)

        def forward(self, src):
            n = src.size(0)
            mask = torch.triu(torch.full((n, n), float("-inf")), diagonal=1)
            x = self.drop(self.encoder(src) * math.sqrt(d) + self.pe[:n])
            return self.decoder(self.transformer(x, mask)).view(-1, ntoken)

    return TransformerLM()


def _batchify(torch, seed, ntokens, vocab, bsz):
    data = _randint(torch, seed, vocab, ntokens)
    nb = data.size(0) // bsz
    return data[: nb * bsz].view(bsz, nb).t().contiguous()


def lstm(torch, size="full"):
    """Word-LM LSTM (2x256, seq 35, batch 20), truncated BPTT, clip_grad_norm_, SGD."""
    torch.manual_seed(0)
    tiny = _is_tiny(size)
    vocab, nhid, bptt = (50, 8, 5) if tiny else (WIKITEXT2_VOCAB, 256, 35)
    model = _rnn_lm(torch, vocab, nhid, nhid, 2, 0.2).train()
    data = _batchify(torch, 1, 20 * (bptt * 4 + 1), vocab, 20)
    opt = torch.optim.SGD(model.parameters(), lr=20.0)
    crit = torch.nn.CrossEntropyLoss()
    state = {"i": 0, "hidden": model.init_hidden(20)}

    def step():
        i = state["i"]
        if i + bptt + 1 > data.size(0):
            i = 0
        state["i"] = i + bptt
        x, y = data[i : i + bptt], data[i + 1 : i + 1 + bptt].reshape(-1)
        hidden = tuple(h.detach() for h in state["hidden"])
        opt.zero_grad()
        out, state["hidden"] = model(x, hidden)
        loss = crit(out, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        opt.step()
        return loss

    return Workload(step)


def lm_eval(torch, size="full"):
    """Forward-only evaluation under no_grad of an LSTM LM and a Transformer LM (the word-LM
    example's two models) over a fixed synthetic validation set: eval batch 10, bptt 35,
    8 chunks (2800 tokens), vocabulary 33278. One step = both models over the whole set."""
    torch.manual_seed(0)
    tiny = _is_tiny(size)
    vocab, d, bptt, chunks = (50, 8, 5, 2) if tiny else (WIKITEXT2_VOCAB, 256, 35, 8)
    lstm_lm = _rnn_lm(torch, vocab, d, d, 2, 0.2).eval()
    tlm = _transformer_lm(torch, vocab, 200 if not tiny else 8, 2, 200 if not tiny else 8, 2, 0.2)
    tlm.eval()
    data = _batchify(torch, 2, 10 * (bptt * chunks + 1), vocab, 10)
    crit = torch.nn.CrossEntropyLoss()

    def step():
        total_lstm = total_tlm = 0.0
        with torch.no_grad():
            hidden = lstm_lm.init_hidden(10)
            for i in range(0, data.size(0) - 1, bptt):
                n = min(bptt, data.size(0) - 1 - i)
                x, y = data[i : i + n], data[i + 1 : i + 1 + n].reshape(-1)
                out, hidden = lstm_lm(x, hidden)
                total_lstm += n * crit(out, y).item()
                total_tlm += n * crit(tlm(x), y).item()
        return total_lstm, total_tlm

    return Workload(step)


# ----------------------------------------------------------------------------- gpt
def _gpt(torch, vocab, block, n_layer, n_head, d, dropout):
    nn, F = torch.nn, torch.nn.functional

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = nn.Linear(d, 3 * d)
            self.c_proj = nn.Linear(d, d)
            self.resid_dropout = nn.Dropout(dropout)

        def forward(self, x):
            B, T, C = x.size()
            q, k, v = self.c_attn(x).split(d, dim=2)
            q, k, v = (t.view(B, T, n_head, C // n_head).transpose(1, 2) for t in (q, k, v))
            p = dropout if self.training else 0.0
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True)
            return self.resid_dropout(self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C)))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1, self.attn = nn.LayerNorm(d), CausalSelfAttention()
            self.ln_2 = nn.LayerNorm(d)
            self.mlp = nn.Sequential(
                nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d), nn.Dropout(dropout)
            )

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte, self.wpe = nn.Embedding(vocab, d), nn.Embedding(block, d)
            self.drop = nn.Dropout(dropout)
            self.h = nn.ModuleList(Block() for _ in range(n_layer))
            self.ln_f = nn.LayerNorm(d)
            self.lm_head = nn.Linear(d, vocab, bias=False)
            self.lm_head.weight = self.wte.weight  # weight tying, as nanoGPT does

        def forward(self, idx, targets=None):
            t = idx.size(1)
            x = self.drop(self.wte(idx) + self.wpe(torch.arange(t, dtype=torch.long)))
            for blk in self.h:
                x = blk(x)
            logits = self.lm_head(self.ln_f(x))
            if targets is None:
                return logits
            return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))

        def generate(self, idx, max_new_tokens):
            for _ in range(max_new_tokens):
                logits = self(idx[:, -block:])[:, -1, :]
                nxt = torch.argmax(logits, dim=-1, keepdim=True)
                idx = torch.cat((idx, nxt), dim=1)
            return idx

    return GPT()


def gpt(torch, size="full"):
    """nanoGPT-style character model: 4 layers, 4 heads, d 128, seq 64, batch 16, AdamW."""
    torch.manual_seed(0)
    tiny = _is_tiny(size)
    n_layer, d, seq, batch = (1, 16, 8, 2) if tiny else (4, 128, 64, 16)
    model = _gpt(torch, 65, seq, n_layer, 4, d, 0.1).train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1, betas=(0.9, 0.99))
    batches = [
        (_randint(torch, s, 65, batch, seq), _randint(torch, s + 100, 65, batch, seq))
        for s in range(4)
    ]
    state = {"i": 0}

    def step():
        x, y = batches[state["i"] % len(batches)]
        state["i"] += 1
        loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss

    return Workload(step)


def inference_gpt(torch, size="full"):
    """The ``gpt`` model (eval, no_grad) generating 200 tokens greedily from one token."""
    torch.manual_seed(0)
    tiny = _is_tiny(size)
    n_layer, d, seq, new = (1, 16, 8, 4) if tiny else (4, 128, 64, 200)
    model = _gpt(torch, 65, seq, n_layer, 4, d, 0.1).eval()
    start = torch.zeros((1, 1), dtype=torch.long)

    def step():
        with torch.no_grad():
            return model.generate(start, new)

    return Workload(step, per=new, unit="token")


# ----------------------------------------------------------------------------- encoder
def transformer_encoder(torch, size="full"):
    """nn.TransformerEncoder, 2 layers, d 256, 4 heads, ff 1024, seq 128, batch 16, Adam, MSE."""
    torch.manual_seed(0)
    tiny = _is_tiny(size)
    d, ff, seq, batch = (16, 32, 8, 2) if tiny else (256, 1024, 128, 16)
    nn = torch.nn
    layer = nn.TransformerEncoderLayer(d, 4, ff, 0.1, batch_first=True)
    model = nn.TransformerEncoder(layer, 2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    batches = [
        (_randn(torch, s, batch, seq, d), _randn(torch, s + 100, batch, seq, d)) for s in (0, 1)
    ]
    return Workload(_train_step(torch, model, opt, nn.MSELoss(), batches))


# ----------------------------------------------------------------------------- dataloader
_MEAN, _STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def image_folder(n_images=384, classes=4, hw=64) -> str:
    """A folder of ``n_images`` random RGB PNGs (``hw`` x ``hw``) in ``classes`` class folders,
    written once under the temp directory (Pillow) and reused; returns its path."""
    from PIL import Image

    root = os.path.join(tempfile.gettempdir(), f"ember_bench_images_{n_images}_{classes}_{hw}")
    done = os.path.join(root, ".complete")
    if os.path.exists(done):
        return root
    rng = np.random.default_rng(0)
    for i in range(n_images):
        d = os.path.join(root, f"class{i % classes}")
        os.makedirs(d, exist_ok=True)
        base = rng.integers(0, 256, (1, 1, 3))
        noise = rng.integers(-40, 40, (hw, hw, 3))
        arr = np.clip(base + noise, 0, 255).astype(np.uint8)
        Image.fromarray(arr).save(os.path.join(d, f"{i:05d}.png"))
    open(done, "w").close()
    return root


class _PILFolder:
    """The torch side's stand-in for torchvision's ImageFolder + transforms (not installable
    here): the same files, the same work -- RandomCrop, RandomHorizontalFlip, ToTensor,
    Normalize -- with Pillow and NumPy."""

    def __init__(self, torch, root, crop):
        self.torch, self.crop = torch, crop
        classes = sorted(e.name for e in os.scandir(root) if e.is_dir())
        self.samples = [
            (os.path.join(root, c, f), i)
            for i, c in enumerate(classes)
            for f in sorted(os.listdir(os.path.join(root, c)))
        ]
        self.mean = np.array(_MEAN, np.float32)[:, None, None]
        self.std = np.array(_STD, np.float32)[:, None, None]

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        from PIL import Image

        path, label = self.samples[i]
        with open(path, "rb") as f:
            img = Image.open(f).convert("RGB")
        w, h = img.size
        top, left = random.randint(0, h - self.crop), random.randint(0, w - self.crop)
        img = img.crop((left, top, left + self.crop, top + self.crop))
        if random.random() < 0.5:
            img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        arr = np.asarray(img, dtype=np.float32).transpose(2, 0, 1) / 255.0
        return self.torch.from_numpy((arr - self.mean) / self.std), label


def dataloader(torch, size="full"):
    """One epoch over an image folder (384 PNGs, 64x64) with RandomCrop(56), flip, ToTensor,
    Normalize; batch 32, 2 persistent workers, shuffled."""
    tiny = _is_tiny(size)
    n, workers = (16, 0) if tiny else (384, 2)
    root = image_folder(n_images=n)
    crop = 56
    if torch.__name__ == "ember":
        from ember.vision import datasets, transforms

        tf = transforms.Compose(
            [
                transforms.RandomCrop(crop),
                transforms.RandomHorizontalFlip(),
                transforms.ToTensor(),
                transforms.Normalize(_MEAN, _STD),
            ]
        )
        ds = datasets.ImageFolder(root, transform=tf)
    else:
        ds = _PILFolder(torch, root, crop)
    torch.manual_seed(0)
    loader = torch.utils.data.DataLoader(
        ds, batch_size=32, shuffle=True, num_workers=workers, persistent_workers=workers > 0
    )

    def step():
        total = 0
        for x, _ in loader:
            total += x.shape[0]
        return total

    return Workload(step, per=1, unit="epoch")


WORKLOADS = {
    "op_overhead": op_overhead,
    "mlp": mlp,
    "cnn": cnn,
    "resnet": resnet,
    "lstm": lstm,
    "gpt": gpt,
    "transformer_encoder": transformer_encoder,
    "lm_eval": lm_eval,
    "dataloader": dataloader,
    "inference_resnet18": inference_resnet18,
    "inference_gpt": inference_gpt,
}
