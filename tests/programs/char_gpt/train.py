"""Train the character-level GPT of model.py on a text file; checkpoint into --out_dir.

AdamW with weight decay on matrices only, gradient accumulation, clipping, a warmup + cosine
learning rate (computed by hand, or by a LambdaLR with the same formula), a disabled autocast
context and a disabled GradScaler as a mixed-precision script has on a CPU. --init_from resume
continues from the checkpoint.
"""

import argparse
import math
import os

import torch
from model import GPT, GPTConfig

parser = argparse.ArgumentParser(description="character-level GPT")
parser.add_argument("--input", type=str, required=True, help="a text file")
parser.add_argument("--out_dir", type=str, default="out")
parser.add_argument("--init_from", type=str, default="scratch", choices=["scratch", "resume"])
parser.add_argument("--eval_interval", type=int, default=250)
parser.add_argument("--eval_iters", type=int, default=20)
parser.add_argument("--log_interval", type=int, default=10)
parser.add_argument("--gradient_accumulation_steps", type=int, default=1)
parser.add_argument("--batch_size", type=int, default=12)
parser.add_argument("--block_size", type=int, default=64)
parser.add_argument("--n_layer", type=int, default=4)
parser.add_argument("--n_head", type=int, default=4)
parser.add_argument("--n_embd", type=int, default=128)
parser.add_argument("--dropout", type=float, default=0.0)
parser.add_argument("--bias", action="store_true")
parser.add_argument("--no-flash", dest="flash", action="store_false")
parser.add_argument("--learning_rate", type=float, default=1e-3)
parser.add_argument("--max_iters", type=int, default=2000)
parser.add_argument("--weight_decay", type=float, default=1e-1)
parser.add_argument("--beta1", type=float, default=0.9)
parser.add_argument("--beta2", type=float, default=0.99)
parser.add_argument("--grad_clip", type=float, default=1.0)
parser.add_argument("--warmup_iters", type=int, default=100)
parser.add_argument("--lr_decay_iters", type=int, default=2000)
parser.add_argument("--min_lr", type=float, default=1e-4)
parser.add_argument("--schedule", type=str, default="manual", choices=["manual", "lambda"])
parser.add_argument("--seed", type=int, default=1337)
args = parser.parse_args()

torch.manual_seed(args.seed)
device = "cpu"
device_type = "cpu"
dtype = "float32"
ptdtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[dtype]
ctx = torch.autocast(device_type=device_type, dtype=ptdtype, enabled=dtype != "float32")
os.makedirs(args.out_dir, exist_ok=True)

with open(args.input, encoding="utf-8") as f:
    text = f.read()
chars = sorted(set(text))
vocab_size = len(chars)
stoi = {ch: i for i, ch in enumerate(chars)}
itos = dict(enumerate(chars))
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
n = int(0.9 * len(data))
train_data, val_data = data[:n], data[n:]
print(f"characters {len(data)} vocabulary {vocab_size}")


def get_batch(split):
    source = train_data if split == "train" else val_data
    ix = torch.randint(len(source) - args.block_size, (args.batch_size,))
    x = torch.stack([source[i : i + args.block_size] for i in ix])
    y = torch.stack([source[i + 1 : i + 1 + args.block_size] for i in ix])
    return x.to(device), y.to(device)


model_args = dict(
    n_layer=args.n_layer,
    n_head=args.n_head,
    n_embd=args.n_embd,
    block_size=args.block_size,
    bias=args.bias,
    vocab_size=vocab_size,
    dropout=args.dropout,
    flash=args.flash,
)
iter_num = 0
best_val_loss = 1e9
if args.init_from == "scratch":
    model = GPT(GPTConfig(**model_args))
else:
    checkpoint = torch.load(os.path.join(args.out_dir, "ckpt.pt"), map_location=device)
    for k in ["n_layer", "n_head", "n_embd", "block_size", "bias", "vocab_size"]:
        model_args[k] = checkpoint["model_args"][k]
    model = GPT(GPTConfig(**model_args))
    state_dict = checkpoint["model"]
    # a compiled model's keys carry a prefix; drop it
    unwanted_prefix = "_orig_mod."
    for k in list(state_dict.keys()):
        if k.startswith(unwanted_prefix):
            state_dict[k[len(unwanted_prefix) :]] = state_dict.pop(k)
    model.load_state_dict(state_dict)
    iter_num = checkpoint["iter_num"]
    best_val_loss = checkpoint["best_val_loss"]
    print(f"resuming at iter {iter_num}")
model.to(device)

scaler = torch.amp.GradScaler(device_type, enabled=(dtype == "float16"))
optimizer = model.configure_optimizers(
    args.weight_decay, args.learning_rate, (args.beta1, args.beta2), device_type
)
if args.init_from == "resume":
    optimizer.load_state_dict(checkpoint["optimizer"])
    checkpoint = None


@torch.no_grad()
def estimate_loss():
    out = {}
    model.eval()
    for split in ["train", "val"]:
        losses = torch.zeros(args.eval_iters)
        for k in range(args.eval_iters):
            X, Y = get_batch(split)
            with ctx:
                logits, loss = model(X, Y)
            losses[k] = loss.item()
        out[split] = losses.mean()
    model.train()
    return out


def get_lr(it):
    """Linear warmup, then cosine decay to min_lr, then min_lr."""
    if it < args.warmup_iters:
        return args.learning_rate * (it + 1) / (args.warmup_iters + 1)
    if it > args.lr_decay_iters:
        return args.min_lr
    decay_ratio = (it - args.warmup_iters) / (args.lr_decay_iters - args.warmup_iters)
    assert 0 <= decay_ratio <= 1
    coeff = 0.5 * (1.0 + math.cos(math.pi * decay_ratio))
    return args.min_lr + coeff * (args.learning_rate - args.min_lr)


scheduler = None
if args.schedule == "lambda":
    for group in optimizer.param_groups:
        group.setdefault("initial_lr", args.learning_rate)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda it: get_lr(it) / args.learning_rate, last_epoch=iter_num - 1
    )

X, Y = get_batch("train")
norm = 0.0
while True:
    if scheduler is None:
        lr = get_lr(iter_num)
        for param_group in optimizer.param_groups:
            param_group["lr"] = lr
    else:
        lr = scheduler.get_last_lr()[0]

    if iter_num % args.eval_interval == 0 and iter_num > 0:
        losses = estimate_loss()
        print(f"step {iter_num} train_loss {losses['train']:.6f} val_loss {losses['val']:.6f}")
        if losses["val"] < best_val_loss:
            best_val_loss = losses["val"]
        checkpoint = {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "model_args": model_args,
            "iter_num": iter_num,
            "best_val_loss": best_val_loss,
            "config": vars(args),
            "meta": {"stoi": stoi, "itos": itos},
        }
        print(f"saving checkpoint to {args.out_dir}")
        torch.save(checkpoint, os.path.join(args.out_dir, "ckpt.pt"))

    if iter_num >= args.max_iters:
        break

    for _micro_step in range(args.gradient_accumulation_steps):
        with ctx:
            logits, loss = model(X, Y)
            loss = loss / args.gradient_accumulation_steps
        X, Y = get_batch("train")  # fetch the next batch while this one is in use
        scaler.scale(loss).backward()
    if args.grad_clip != 0.0:
        scaler.unscale_(optimizer)
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), args.grad_clip)
    scaler.step(optimizer)
    scaler.update()
    optimizer.zero_grad(set_to_none=True)
    if scheduler is not None:
        scheduler.step()

    if iter_num % args.log_interval == 0:
        lossf = loss.item() * args.gradient_accumulation_steps
        print(f"iter {iter_num} loss {lossf:.6f} lr {lr:.8f} norm {norm:.6f}")
    iter_num += 1
