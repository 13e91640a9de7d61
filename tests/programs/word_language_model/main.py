"""Train a word-level language model, keep the best one (whole-model pickle), test it."""

import argparse
import math

import data
import model
import torch
from torch import nn

parser = argparse.ArgumentParser(description="word-level language model")
parser.add_argument("--data", type=str, default="./data/tinytext", help="corpus folder")
parser.add_argument(
    "--model", type=str, default="LSTM", help="RNN_TANH, RNN_RELU, LSTM, GRU, Transformer"
)
parser.add_argument("--emsize", type=int, default=200, help="size of word embeddings")
parser.add_argument("--nhid", type=int, default=200, help="hidden units per layer")
parser.add_argument("--nlayers", type=int, default=2, help="number of layers")
parser.add_argument("--lr", type=float, default=20, help="initial learning rate")
parser.add_argument("--clip", type=float, default=0.25, help="gradient clipping")
parser.add_argument("--epochs", type=int, default=40, help="upper epoch limit")
parser.add_argument("--batch_size", type=int, default=20, metavar="N", help="batch size")
parser.add_argument("--bptt", type=int, default=35, help="sequence length")
parser.add_argument("--dropout", type=float, default=0.2, help="dropout (0 = no dropout)")
parser.add_argument("--tied", action="store_true", help="tie the word embedding and softmax")
parser.add_argument("--seed", type=int, default=1111, help="random seed")
parser.add_argument("--log-interval", type=int, default=200, metavar="N", help="report interval")
parser.add_argument("--save", type=str, default="model.pt", help="where to save the model")
parser.add_argument("--nhead", type=int, default=2, help="heads of the transformer model")
parser.add_argument("--max-batches", type=int, default=0, help="stop an epoch early (0: never)")
args = parser.parse_args()

torch.manual_seed(args.seed)
device = torch.device("cpu")

corpus = data.Corpus(args.data)


# batchify lays the token stream out in bsz columns; with the alphabet and bsz 4:
#   a g m s
#   b h n t
#   c i o u
#   d j p v
#   e k q w
#   f l r x
# Each column is an independent stream; the tail that does not fill a row is dropped.
def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    data = data.narrow(0, 0, nbatch * bsz)
    data = data.view(bsz, -1).t().contiguous()
    return data.to(device)


eval_batch_size = 4
train_data = batchify(corpus.train, args.batch_size)
val_data = batchify(corpus.valid, eval_batch_size)
test_data = batchify(corpus.test, eval_batch_size)
print(f"vocabulary {len(corpus.dictionary)} train {train_data.size()} valid {val_data.size()}")

ntokens = len(corpus.dictionary)
if args.model == "Transformer":
    model = model.TransformerModel(
        ntokens, args.emsize, args.nhead, args.nhid, args.nlayers, args.dropout
    ).to(device)
else:
    model = model.RNNModel(
        args.model, ntokens, args.emsize, args.nhid, args.nlayers, args.dropout, args.tied
    ).to(device)
print(model)
print(f"parameters {sum(p.numel() for p in model.parameters())}")

criterion = nn.NLLLoss()


def repackage_hidden(h):
    """Detach hidden states from the graph of the batch that made them."""
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)


# get_batch cuts a chunk of bptt rows: with bptt 2 and the layout above, i = 0 gives
#   data a g m s    target b h n t
#        b h n t           c i o u
# flattened, since the loss takes (rows, classes) scores against a vector of ids.
def get_batch(source, i):
    seq_len = min(args.bptt, len(source) - 1 - i)
    data = source[i : i + seq_len]
    target = source[i + 1 : i + 1 + seq_len].view(-1)
    return data, target


def evaluate(data_source):
    model.eval()  # dropout off
    total_loss = 0.0
    if args.model != "Transformer":
        hidden = model.init_hidden(eval_batch_size)
    with torch.no_grad():
        for i in range(0, data_source.size(0) - 1, args.bptt):
            data, targets = get_batch(data_source, i)
            if args.model == "Transformer":
                output = model(data)
                output = output.view(-1, ntokens)
            else:
                output, hidden = model(data, hidden)
                hidden = repackage_hidden(hidden)
            total_loss += len(data) * criterion(output, targets).item()
    return total_loss / (len(data_source) - 1)


def train():
    model.train()  # dropout on
    total_loss = 0.0
    if args.model != "Transformer":
        hidden = model.init_hidden(args.batch_size)
    for batch, i in enumerate(range(0, train_data.size(0) - 1, args.bptt)):
        data, targets = get_batch(train_data, i)
        # Cut the graph at the batch boundary, or backprop would reach the start of the data.
        model.zero_grad()
        if args.model == "Transformer":
            output = model(data)
            output = output.view(-1, ntokens)
        else:
            hidden = repackage_hidden(hidden)
            output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        loss.backward()

        # Clipping keeps the exploding gradients of RNNs in check.
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-lr)

        total_loss += loss.item()
        if (batch + 1) % args.log_interval == 0:
            cur_loss = total_loss / args.log_interval
            print(
                f"epoch {epoch} batch {batch + 1} lr {lr:.4f} loss {cur_loss:.6f} "
                f"ppl {math.exp(cur_loss):.4f}"
            )
            total_loss = 0
        if args.max_batches and batch + 1 >= args.max_batches:
            break


lr = args.lr
best_val_loss = None

for epoch in range(1, args.epochs + 1):
    train()
    val_loss = evaluate(val_data)
    print(f"epoch {epoch} valid_loss {val_loss:.6f} valid_ppl {math.exp(val_loss):.4f}")
    if not best_val_loss or val_loss < best_val_loss:
        with open(args.save, "wb") as f:
            torch.save(model, f)
        best_val_loss = val_loss
    else:
        # No progress on the validation set: anneal the learning rate.
        lr /= 4.0

# Reload the best model.
with open(args.save, "rb") as f:
    model = torch.load(f, weights_only=False)
    # After loading, the RNN's weights are no longer one contiguous chunk; regroup them.
    if args.model in ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"]:
        model.rnn.flatten_parameters()

test_loss = evaluate(test_data)
print(f"end test_loss {test_loss:.6f} test_ppl {math.exp(test_loss):.4f}")
