"""The LeNet of the neural-networks tutorial: forward, the graph behind a loss, one update,
and the whole model pickled with torch.save and read back with torch.load."""

import argparse

import torch
import torch.nn.functional as F
from torch import nn, optim

parser = argparse.ArgumentParser(description="LeNet, autograd graph and whole-model pickle")
parser.add_argument("--save", default="lenet.pt")
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        # 1 input channel, 6 output channels, 5x5 convolution
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # 5x5 is the image size left after conv2
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, input):
        c1 = F.relu(self.conv1(input))  # (N, 6, 28, 28)
        s2 = F.max_pool2d(c1, (2, 2))  # (N, 6, 14, 14)
        c3 = F.relu(self.conv2(s2))  # (N, 16, 10, 10)
        s4 = F.max_pool2d(c3, 2)  # (N, 16, 5, 5)
        s4 = torch.flatten(s4, 1)  # (N, 400)
        f5 = F.relu(self.fc1(s4))
        f6 = F.relu(self.fc2(f5))
        return self.fc3(f6)


torch.manual_seed(args.seed)
net = Net()
print(net)

params = list(net.parameters())
print(len(params))
print(params[0].size())  # conv1's weight

input = torch.randn(1, 1, 32, 32)
print(input.size())
out = net(input)
print(out)
print(out.size(), out.dim(), out.shape[-1])

net.zero_grad()
out.backward(torch.randn(1, 10))

output = net(input)
target = torch.randn(10)  # a dummy target
target = target.view(1, -1)  # the same shape as the output
criterion = nn.MSELoss()
loss = criterion(output, target)
print(loss)

# the graph, walked backwards from the loss
print(loss.grad_fn)  # MSELoss
print(loss.grad_fn.next_functions[0][0])  # Linear
print(loss.grad_fn.next_functions[0][0].next_functions[0][0])  # ReLU
print(type(loss.grad_fn).__name__, [type(f).__name__ for f, _ in loss.grad_fn.next_functions])

net.zero_grad()
print("conv1.bias.grad before backward")
print(net.conv1.bias.grad)
loss.backward()
print("conv1.bias.grad after backward")
print(net.conv1.bias.grad)

optimizer = optim.SGD(net.parameters(), lr=0.01)
for step in range(3):
    optimizer.zero_grad()
    output = net(input)
    loss = criterion(output, target)
    loss.backward()
    optimizer.step()
    print(f"step {step} loss {loss.item():.8f}")

torch.save(net, args.save)
net2 = torch.load(args.save, weights_only=False)
print(type(net2).__name__, type(net2) is Net, net2.training)
print(torch.equal(net(input), net2(input)))
x = torch.randn(4, 1, 32, 32)
with torch.no_grad():
    y = net2(x)
print(x.size(), y.size(), y.requires_grad)
print(torch.allclose(y, net(x)))
