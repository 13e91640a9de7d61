"""Sample text from a checkpoint written by train.py, keeping the top-k characters each step."""

import argparse
import os

import torch
from model import GPT, GPTConfig

parser = argparse.ArgumentParser(description="character-level GPT: sampling")
parser.add_argument("--out_dir", type=str, default="out")
parser.add_argument("--start", type=str, default="\n", help="the prompt")
parser.add_argument("--num_samples", type=int, default=10)
parser.add_argument("--max_new_tokens", type=int, default=500)
parser.add_argument("--temperature", type=float, default=0.8)
parser.add_argument("--top_k", type=int, default=200)
parser.add_argument("--seed", type=int, default=1337)
args = parser.parse_args()

torch.manual_seed(args.seed)
device = "cpu"
ctx = torch.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=False)

checkpoint = torch.load(os.path.join(args.out_dir, "ckpt.pt"), map_location=device)
gptconf = GPTConfig(**checkpoint["model_args"])
model = GPT(gptconf)
state_dict = checkpoint["model"]
unwanted_prefix = "_orig_mod."
for k in list(state_dict.keys()):
    if k.startswith(unwanted_prefix):
        state_dict[k[len(unwanted_prefix) :]] = state_dict.pop(k)
model.load_state_dict(state_dict)
model.eval()
model.to(device)
print(
    f"checkpoint of iter {checkpoint['iter_num']} best_val_loss {checkpoint['best_val_loss']:.6f}"
)

stoi, itos = checkpoint["meta"]["stoi"], checkpoint["meta"]["itos"]


def encode(s):
    return [stoi[c] for c in s]


def decode(ids):
    return "".join(itos[i] for i in ids)


start_ids = encode(args.start)
x = torch.tensor(start_ids, dtype=torch.long, device=device)[None, ...]

with torch.no_grad(), ctx:
    for _ in range(args.num_samples):
        y = model.generate(x, args.max_new_tokens, temperature=args.temperature, top_k=args.top_k)
        print(decode(y[0].tolist()))
        print("---------------")
