"""Learn sine waves with two stacked LSTMCells, then let the model continue them.

Each series is sin(t / period) from a random phase; the model reads one value a step and
predicts the next. Training is full-batch L-BFGS in double precision with a closure; after each
step the held-out series are predicted `--future` steps past their end.
"""

import argparse

import numpy as np
import torch
from torch import nn, optim

parser = argparse.ArgumentParser(description="sine wave continuation")
parser.add_argument("--series", type=int, default=100)
parser.add_argument("--length", type=int, default=1000)
parser.add_argument("--period", type=float, default=20.0)
parser.add_argument("--hidden", type=int, default=51)
parser.add_argument("--steps", type=int, default=15)
parser.add_argument("--future", type=int, default=1000)
parser.add_argument("--test-series", type=int, default=3)
parser.add_argument("--lr", type=float, default=0.8)
args = parser.parse_args()


def make_waves(series, length, period):
    """Sine waves with integer phase shifts, as a float64 array (series, length)."""
    rng = np.random.RandomState(2)
    t = np.empty((series, length), "int64")
    shift = rng.randint(-4 * int(period), 4 * int(period), series).reshape(series, 1)
    t[:] = np.arange(length) + shift
    return np.sin(t / period).astype("float64")


class Sequence(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.hidden = hidden
        self.lstm1 = nn.LSTMCell(1, hidden)
        self.lstm2 = nn.LSTMCell(hidden, hidden)
        self.linear = nn.Linear(hidden, 1)

    def forward(self, input, future=0):
        outputs = []
        h_t = torch.zeros(input.size(0), self.hidden, dtype=torch.double)
        c_t = torch.zeros(input.size(0), self.hidden, dtype=torch.double)
        h_t2 = torch.zeros(input.size(0), self.hidden, dtype=torch.double)
        c_t2 = torch.zeros(input.size(0), self.hidden, dtype=torch.double)

        for input_t in input.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        for _ in range(future):  # feed the prediction back in
            h_t, c_t = self.lstm1(output, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        return torch.cat(outputs, dim=1)


if __name__ == "__main__":
    np.random.seed(0)
    torch.manual_seed(0)
    data = make_waves(args.series, args.length, args.period)
    n_test = args.test_series
    input = torch.from_numpy(data[n_test:, :-1])
    target = torch.from_numpy(data[n_test:, 1:])
    test_input = torch.from_numpy(data[:n_test, :-1])
    test_target = torch.from_numpy(data[:n_test, 1:])
    print(input.size(), input.dtype)

    seq = Sequence(args.hidden)
    seq.double()
    criterion = nn.MSELoss()
    optimizer = optim.LBFGS(seq.parameters(), lr=args.lr)

    for i in range(args.steps):
        calls = 0

        def closure():
            global calls
            calls += 1
            optimizer.zero_grad()
            out = seq(input)
            loss = criterion(out, target)
            loss.backward()
            return loss

        loss = optimizer.step(closure)
        with torch.no_grad():
            pred = seq(test_input, future=args.future)
            test_loss = criterion(pred[:, : -args.future], test_target)
        print(f"step {i} loss {loss.item():.10f} closures {calls} test {test_loss.item():.10f}")
        y = pred.detach().numpy()
    print(f"predicted {y.shape[0]} x {y.shape[1]} last {y[0, -1]:.8f}")
