"""English-to-German translation on Multi30k with nn.Transformer, as in PyTorch's tutorial.

The sequence-to-sequence model of PyTorch's "Language Translation with nn.Transformer and
torchtext" tutorial: token embeddings scaled by sqrt(d_model) plus sinusoidal positions, an
``nn.Transformer`` encoder-decoder (padding masks for both sides, a causal mask for the
target) and a linear layer to the German vocabulary. The data comes from
``ember.text.datasets.Multi30k`` (``language_pair=("en", "de")``); sentences are split into
words and punctuation by a small regular expression (the tutorial's spaCy models are not
needed), vocabularies are built with ``build_vocab_from_iterator`` (words seen at least twice,
plus ``<unk> <pad> <bos> <eos>``), and ``ember.text.transforms`` turn token lists into padded
id tensors. Batches hold sentences
of similar length. Training uses label-smoothed cross-entropy, Adam with a linear warmup and
decay, and keeps the state_dict with the best validation loss (``ember.save``); that checkpoint
is reloaded and translates the 2016 Flickr test set by greedy decoding (all sentences of a
batch at once), scored with sacreBLEU when it is installed (``pip install
'ember[examples]'``), else with ``ember.text.data.metrics.bleu_score`` on the tokens.

    python examples/translation.py --threads 1     # the shared data folder or ./data
    python examples/translation.py --data ~/data   # torchtext's layout, fetched if absent
    python -m ember.run examples/translation.py    # the same, torch resolving to ember

Measured full run (the defaults: 2 encoder and 2 decoder layers, width 128, 4 heads,
feed-forward 512, vocabularies of 6,278 English and 8,018 German words, 3.79M parameters,
batches of at most 2,000 target tokens, 5 epochs of Adam peaking at lr 3e-3 after 200 warmup
steps, no dropout), on the project's shared 2-core machine with ``--threads 1``: 9 min 44 s in
all (about 100 s an epoch, 30 s to translate the test set); validation loss 3.067 (label
smoothed) after the last epoch, and that checkpoint scores BLEU 20.62 (sacreBLEU 2.6.0, 13a
tokenization) on the 1,000 sentences of test_2016_flickr, e.g. "A man in an orange hat starring
at something." -> "Ein Mann mit einem orangefarbenen Hut, der etwas an etwas." The tutorial trains
18 epochs at lr 1e-4 with dropout 0.1; five epochs leave this model underfitting, where
dropout only slows it down: the same run with lr 1e-3 and dropout 0.1 reached BLEU 14.38 (in
14 min, on a busier machine).
"""

from __future__ import annotations

import argparse
import math
import re
import time

from _common import checkpoint_path, open_dataset
from tqdm import tqdm

import ember as torch
from ember import nn
from ember.text import transforms as T
from ember.text.data.metrics import bleu_score
from ember.text.datasets import Multi30k
from ember.text.vocab import build_vocab_from_iterator

SRC, TGT = "en", "de"
UNK, PAD, BOS, EOS = 0, 1, 2, 3
SPECIALS = ["<unk>", "<pad>", "<bos>", "<eos>"]
# a word (with inner hyphens or apostrophes, "T-shirt", "man's") or one punctuation mark
_WORD = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")


def tokenize(text):
    """Words and punctuation marks, case kept: 'A man, smiling.' -> [A, man, ',', smiling, '.']"""
    return _WORD.findall(text)


def detokenize(tokens):
    """Tokens back to a sentence: spaces between them, none before closing punctuation."""
    return re.sub(r" ([.,!?;:)])", r"\1", " ".join(tokens))


# ----------------------------------------------------------------------------- the model


def causal_mask(size):
    """True above the diagonal: position t may not attend to later positions. Boolean, like
    the padding masks (nn.Transformer.generate_square_subsequent_mask gives the float form)."""
    return torch.ones(size, size, dtype=torch.bool).triu(diagonal=1)


class PositionalEncoding(nn.Module):
    """Adds the sinusoidal position signal of "Attention Is All You Need", then dropout."""

    def __init__(self, emb_size, dropout, maxlen=256):
        super().__init__()
        inv_freq = torch.exp(-torch.arange(0, emb_size, 2) * math.log(10000.0) / emb_size)
        angles = torch.arange(maxlen).unsqueeze(1) * inv_freq  # (maxlen, emb_size / 2)
        table = torch.stack([angles.sin(), angles.cos()], dim=2).flatten(1)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("pos_embedding", table.unsqueeze(0))  # (1, maxlen, emb_size)

    def forward(self, x):
        return self.dropout(x + self.pos_embedding[:, : x.shape[1]])


class TokenEmbedding(nn.Module):
    def __init__(self, vocab_size, emb_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_size)
        self.scale = math.sqrt(emb_size)

    def forward(self, tokens):
        return self.embedding(tokens) * self.scale


class Seq2SeqTransformer(nn.Module):
    """Embeddings + positions -> nn.Transformer (batch first) -> logits over the target vocab."""

    def __init__(
        self,
        num_encoder_layers,
        num_decoder_layers,
        emb_size,
        nhead,
        src_vocab_size,
        tgt_vocab_size,
        dim_feedforward=512,
        dropout=0.1,
    ):
        super().__init__()
        self.transformer = nn.Transformer(
            d_model=emb_size,
            nhead=nhead,
            num_encoder_layers=num_encoder_layers,
            num_decoder_layers=num_decoder_layers,
            dim_feedforward=dim_feedforward,
            dropout=dropout,
            batch_first=True,
        )
        self.generator = nn.Linear(emb_size, tgt_vocab_size)
        self.src_tok_emb = TokenEmbedding(src_vocab_size, emb_size)
        self.tgt_tok_emb = TokenEmbedding(tgt_vocab_size, emb_size)
        self.positional_encoding = PositionalEncoding(emb_size, dropout)

    def forward(self, src, tgt):
        """Logits (B, T, tgt_vocab) of each next target token, given src (B, S), tgt (B, T)."""
        causal = causal_mask(tgt.shape[1])
        out = self.transformer(
            self.positional_encoding(self.src_tok_emb(src)),
            self.positional_encoding(self.tgt_tok_emb(tgt)),
            tgt_mask=causal,
            src_key_padding_mask=src == PAD,
            tgt_key_padding_mask=tgt == PAD,
            memory_key_padding_mask=src == PAD,
            tgt_is_causal=True,
        )
        return self.generator(out)

    def encode(self, src):
        emb = self.positional_encoding(self.src_tok_emb(src))
        return self.transformer.encoder(emb, src_key_padding_mask=src == PAD)

    def decode(self, tgt, memory, src):
        causal = causal_mask(tgt.shape[1])
        emb = self.positional_encoding(self.tgt_tok_emb(tgt))
        return self.transformer.decoder(
            emb, memory, tgt_mask=causal, tgt_is_causal=True, memory_key_padding_mask=src == PAD
        )


@torch.no_grad()
def greedy_decode(model, src, max_extra=10):
    """Translate a padded batch src (B, S): at each step append every sentence's most likely
    next token, until each has produced <eos> or as many tokens as its source (<bos> and
    <eos> included) plus max_extra. Returns the id lists, without <bos> and <eos>."""
    model.eval()
    memory = model.encode(src)
    limits = ((src != PAD).sum(dim=1) + max_extra).tolist()
    ys = torch.full((src.shape[0], 1), BOS, dtype=torch.long)
    done = torch.zeros(src.shape[0], dtype=torch.bool)
    for _ in range(max(limits)):
        logits = model.generator(model.decode(ys, memory, src)[:, -1])
        logits[:, [PAD, BOS]] = float("-inf")  # never a sensible output
        next_word = logits.argmax(dim=1)
        ys = torch.cat([ys, next_word.unsqueeze(1)], dim=1)
        done |= next_word == EOS
        if bool(done.all()):
            break
    out = []
    for row, limit in zip(ys[:, 1:].tolist(), limits):
        row = row[:limit]
        out.append(row[: row.index(EOS)] if EOS in row else row)
    return out


# ----------------------------------------------------------------------------- the data


class Batches:
    """Batches of at most ``max_tokens`` target tokens (padding included) of sentences of
    similar length: a batch sampler for DataLoader. With ``shuffle``, sentences of equal length
    are drawn into batches in a new random way, and the batches come in a new random order,
    each pass."""

    def __init__(self, lengths, max_tokens, shuffle, generator=None):
        self.lengths, self.max_tokens = lengths, max_tokens
        self.shuffle, self.generator = shuffle, generator
        self.batches = self._make(range(len(lengths)))

    def _make(self, tiebreak):
        keys = list(zip(self.lengths, tiebreak))
        batches, batch, longest = [], [], 0
        for i in sorted(range(len(keys)), key=keys.__getitem__):
            longest = max(longest, self.lengths[i])
            if batch and longest * (len(batch) + 1) > self.max_tokens:
                batches.append(batch)
                batch, longest = [], self.lengths[i]
            batch.append(i)
        return batches + [batch] if batch else batches

    def __iter__(self):
        if not self.shuffle:
            yield from self.batches
            return
        n = len(self.lengths)
        batches = self._make(torch.randperm(n, generator=self.generator).tolist())
        for k in torch.randperm(len(batches), generator=self.generator).tolist():
            yield batches[k]

    def __len__(self):
        return len(self.batches)


class Pipeline:
    """Vocabularies built on the training pairs, and the collate_fn that pads id tensors."""

    def __init__(self, pairs, min_freq=2):
        self.vocab = {}
        self.transform = {}
        for side, lang in enumerate((SRC, TGT)):
            vocab = build_vocab_from_iterator(
                (tokenize(pair[side]) for pair in pairs),
                min_freq=min_freq,
                specials=SPECIALS,
                special_first=True,
            )
            vocab.set_default_index(UNK)
            self.vocab[lang] = vocab
            self.transform[lang] = T.Sequential(
                T.VocabTransform(vocab),
                T.AddToken(BOS, begin=True),
                T.AddToken(EOS, begin=False),
                T.ToTensor(padding_value=PAD),
            )

    def collate(self, batch):
        """[(english, german), ...] -> padded src (B, S) and tgt (B, T), <bos> ... <eos>."""
        src = self.transform[SRC]([tokenize(en) for en, _ in batch])
        tgt = self.transform[TGT]([tokenize(de) for _, de in batch])
        return src, tgt

    def tokens(self, ids):
        return self.vocab[TGT].lookup_tokens(ids)


def loader(pipeline, pairs, max_tokens, shuffle, generator=None):
    lengths = [len(tokenize(de)) + 2 for _, de in pairs]
    sampler = Batches(lengths, max_tokens, shuffle, generator)
    return torch.utils.data.DataLoader(pairs, batch_sampler=sampler, collate_fn=pipeline.collate)


# ----------------------------------------------------------------------------- training


def train_epoch(model, batches, optimizer, scheduler, criterion, desc):
    """One pass over the batches; returns the mean loss per target token."""
    model.train()
    loss_sum, n_tokens, start = 0.0, 0, time.perf_counter()
    with tqdm(batches, desc=desc, unit="batch", dynamic_ncols=True) as bar:
        for src, tgt in bar:
            logits = model(src, tgt[:, :-1])
            loss = criterion(logits.flatten(0, 1), tgt[:, 1:].flatten())
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            tokens = int((tgt[:, 1:] != PAD).sum())
            loss_sum += loss.item() * tokens
            n_tokens += tokens
            rate = n_tokens / (time.perf_counter() - start)
            bar.set_postfix(loss=f"{loss_sum / n_tokens:.3f}", tok_s=f"{rate:.0f}", refresh=False)
    return loss_sum / n_tokens


@torch.no_grad()
def evaluate(model, batches, criterion):
    """The mean loss per target token (label smoothing included, as in training)."""
    model.eval()
    loss_sum, n_tokens = 0.0, 0
    for src, tgt in batches:
        logits = model(src, tgt[:, :-1])
        tokens = int((tgt[:, 1:] != PAD).sum())
        loss_sum += criterion(logits.flatten(0, 1), tgt[:, 1:].flatten()).item() * tokens
        n_tokens += tokens
    return loss_sum / n_tokens


def translate_all(model, pipeline, pairs, batch_size=200):
    """Greedy translations of the English side of ``pairs``, as token lists."""
    out = []
    for i in tqdm(range(0, len(pairs), batch_size), desc="translate", unit="batch", leave=False):
        src, _ = pipeline.collate(pairs[i : i + batch_size])
        out += [pipeline.tokens(ids) for ids in greedy_decode(model, src)]
    return out


def bleu(hypotheses, pairs):
    """Corpus BLEU (0-100) of the token lists ``hypotheses`` against the German references:
    sacreBLEU's on detokenized sentences when installed, else torchtext's bleu_score."""
    try:
        import sacrebleu
    except ImportError:
        refs = [[tokenize(de)] for _, de in pairs]
        return 100 * bleu_score(hypotheses, refs), "ember.text.data.metrics.bleu_score"
    result = sacrebleu.corpus_bleu([detokenize(h) for h in hypotheses], [[de for _, de in pairs]])
    return result.score, f"sacreBLEU {sacrebleu.__version__}"


def run(
    data=None,
    epochs=5,
    max_tokens=2000,
    emb_size=128,
    nhead=4,
    ffn=512,
    layers=2,
    dropout=0.0,
    lr=3e-3,
    warmup=200,
    min_freq=2,
    limit=None,
    test_limit=None,
    seed=0,
    checkpoint="translation.pt",
):
    """Train, keep the best state_dict by validation loss, reload it, translate the test set.
    Returns ``{"model", "pipeline", "bleu", "valid_loss", "epoch", "history", "hypotheses",
    "splits", "max_tokens"}`` (the model holds the reloaded best weights)."""
    torch.manual_seed(seed)
    train, valid, test = (
        list(split)
        for split in open_dataset(
            Multi30k, data, split=("train", "valid", "test"), language_pair=(SRC, TGT)
        )
    )
    train, valid, test = train[:limit], valid[:test_limit], test[:test_limit]
    pipeline = Pipeline(train, min_freq)
    print(
        f"Multi30k {SRC}->{TGT}: {len(train)} training pairs, {len(valid)} valid, "
        f"{len(test)} test; vocabularies {SRC} {len(pipeline.vocab[SRC])}, "
        f"{TGT} {len(pipeline.vocab[TGT])}",
        flush=True,
    )
    gen = torch.Generator().manual_seed(seed)
    train_batches = loader(pipeline, train, max_tokens, shuffle=True, generator=gen)
    valid_batches = loader(pipeline, valid, max_tokens, shuffle=False)

    config = dict(
        num_encoder_layers=layers,
        num_decoder_layers=layers,
        emb_size=emb_size,
        nhead=nhead,
        src_vocab_size=len(pipeline.vocab[SRC]),
        tgt_vocab_size=len(pipeline.vocab[TGT]),
        dim_feedforward=ffn,
        dropout=dropout,
    )
    model = Seq2SeqTransformer(**config)
    print(f"{sum(p.numel() for p in model.parameters()):,} parameters", flush=True)
    criterion = nn.CrossEntropyLoss(ignore_index=PAD, label_smoothing=0.1)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.98), eps=1e-9)
    total = epochs * len(train_batches)
    warmup = max(1, min(warmup, total // 5))
    # linear warmup to lr, then linear decay to a tenth of it at the last step
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda s: (s + 1) / warmup if s < warmup else 1 - 0.9 * (s - warmup) / (total - warmup),
    )
    checkpoint = checkpoint_path(checkpoint)
    best = {"valid_loss": math.inf}
    history = []
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        train_loss = train_epoch(
            model, train_batches, optimizer, scheduler, criterion, f"epoch {epoch}/{epochs}"
        )
        valid_loss = evaluate(model, valid_batches, criterion)
        history.append({"train_loss": train_loss, "valid_loss": valid_loss})
        print(
            f"epoch {epoch}/{epochs}  train loss {train_loss:.4f}  valid loss {valid_loss:.4f}  "
            f"{time.perf_counter() - start:.0f}s",
            flush=True,
        )
        if valid_loss < best["valid_loss"]:
            best = {"valid_loss": valid_loss, "epoch": epoch}
            torch.save({"model": model.state_dict(), "config": config}, checkpoint)
            print(f"  saved the best state_dict so far to {checkpoint}", flush=True)

    state = torch.load(checkpoint)
    model = Seq2SeqTransformer(**state["config"])
    model.load_state_dict(state["model"])
    start = time.perf_counter()
    hypotheses = translate_all(model, pipeline, test)
    score, scorer = bleu(hypotheses, test)
    print(
        f"best checkpoint (epoch {best['epoch']}, valid loss {best['valid_loss']:.4f}) "
        f"reloaded: test_2016_flickr BLEU {score:.2f} ({scorer}, greedy decoding, "
        f"{len(test)} sentences in {time.perf_counter() - start:.0f}s)",
        flush=True,
    )
    for (en, de), hyp in list(zip(test, hypotheses))[:3]:
        print(f"  en:  {en}\n  ref: {de}\n  out: {detokenize(hyp)}")
    return {
        "model": model,
        "pipeline": pipeline,
        "bleu": score,
        "epoch": best["epoch"],
        "valid_loss": best["valid_loss"],
        "history": history,
        "hypotheses": hypotheses,
        "splits": (train, valid, test),
        "max_tokens": max_tokens,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="dataset folder (see _common.py)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=2000, help="target tokens per batch")
    parser.add_argument("--emb-size", type=int, default=128)
    parser.add_argument("--nhead", type=int, default=4)
    parser.add_argument("--ffn", type=int, default=512, help="feed-forward width")
    parser.add_argument("--layers", type=int, default=2, help="encoder and decoder layers")
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--lr", type=float, default=3e-3, help="Adam's peak learning rate")
    parser.add_argument("--warmup", type=int, default=200, help="warmup steps")
    parser.add_argument("--min-freq", type=int, default=2, help="rarer words become <unk>")
    parser.add_argument("--limit", type=int, default=None, help="first N training pairs")
    parser.add_argument("--test-limit", type=int, default=None, help="first N valid/test pairs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint", default="translation.pt")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    run(
        args.data,
        epochs=args.epochs,
        max_tokens=args.max_tokens,
        emb_size=args.emb_size,
        nhead=args.nhead,
        ffn=args.ffn,
        layers=args.layers,
        dropout=args.dropout,
        lr=args.lr,
        warmup=args.warmup,
        min_freq=args.min_freq,
        limit=args.limit,
        test_limit=args.test_limit,
        seed=args.seed,
        checkpoint=args.checkpoint,
    )


if __name__ == "__main__":
    main()
