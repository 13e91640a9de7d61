"""A tiny DCGAN: transposed-convolution generator, convolutional discriminator, trained on noise.

Weights are initialised by class name through Module.apply, as the DCGAN paper prescribes
(convolutions N(0, 0.02), BatchNorm scales N(1, 0.02) with zero shifts). The "real" images are
random tensors in [-1, 1], served by a DataLoader.
"""

import argparse

import torch
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser(description="tiny DCGAN")
parser.add_argument("--images", type=int, default=64, help="number of fake-real images")
parser.add_argument("--batchSize", type=int, default=16)
parser.add_argument("--imageSize", type=int, default=16, help="16 or 32")
parser.add_argument("--nz", type=int, default=8, help="size of the latent z vector")
parser.add_argument("--ngf", type=int, default=8)
parser.add_argument("--ndf", type=int, default=8)
parser.add_argument("--niter", type=int, default=1, help="number of epochs")
parser.add_argument("--lr", type=float, default=0.0002)
parser.add_argument("--beta1", type=float, default=0.5)
parser.add_argument("--manualSeed", type=int, default=999)
parser.add_argument("--outf", default=".", help="folder for checkpoints")
opt = parser.parse_args()
print(opt)

torch.manual_seed(opt.manualSeed)
nc = 3
nz, ngf, ndf = opt.nz, opt.ngf, opt.ndf
extra = {16: 0, 32: 1}[opt.imageSize]  # one more up/down-sampling stage per doubling

images = torch.rand(opt.images, nc, opt.imageSize, opt.imageSize) * 2 - 1
dataloader = DataLoader(TensorDataset(images), batch_size=opt.batchSize, shuffle=True)


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        torch.nn.init.normal_(m.weight, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        torch.nn.init.normal_(m.weight, 1.0, 0.02)
        torch.nn.init.zeros_(m.bias)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        layers = [
            # z: nz x 1 x 1 -> (ngf*2) x 4 x 4
            nn.ConvTranspose2d(nz, ngf * 2 * 2**extra, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 2 * 2**extra),
            nn.ReLU(True),
        ]
        for i in range(extra, 0, -1):
            layers += [
                nn.ConvTranspose2d(ngf * 2 * 2**i, ngf * 2 * 2 ** (i - 1), 4, 2, 1, bias=False),
                nn.BatchNorm2d(ngf * 2 * 2 ** (i - 1)),
                nn.ReLU(True),
            ]
        layers += [
            # (ngf*2) x 4 x 4 -> ngf x 8 x 8
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            # ngf x 8 x 8 -> nc x 16 x 16
            nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False),
            nn.Tanh(),
        ]
        self.main = nn.Sequential(*layers)

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        layers = [
            # nc x 16 x 16 -> ndf x 8 x 8
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            # ndf x 8 x 8 -> (ndf*2) x 4 x 4
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
        ]
        for i in range(extra):
            layers += [
                nn.Conv2d(ndf * 2 * 2**i, ndf * 4 * 2**i, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ndf * 4 * 2**i),
                nn.LeakyReLU(0.2, inplace=True),
            ]
        layers += [
            # -> 1 x 1 x 1
            nn.Conv2d(ndf * 2 * 2**extra, 1, 4, 1, 0, bias=False),
            nn.Sigmoid(),
        ]
        self.main = nn.Sequential(*layers)

    def forward(self, input):
        return self.main(input).view(-1, 1).squeeze(1)


netG = Generator()
netG.apply(weights_init)
print(netG)
netD = Discriminator()
netD.apply(weights_init)
print(netD)

criterion = nn.BCELoss()
fixed_noise = torch.randn(opt.batchSize, nz, 1, 1)
real_label = 1.0
fake_label = 0.0

optimizerD = optim.Adam(netD.parameters(), lr=opt.lr, betas=(opt.beta1, 0.999))
optimizerG = optim.Adam(netG.parameters(), lr=opt.lr, betas=(opt.beta1, 0.999))

for epoch in range(opt.niter):
    for i, (real_cpu,) in enumerate(dataloader, 0):
        # (1) Update D: maximize log(D(x)) + log(1 - D(G(z)))
        netD.zero_grad()
        batch_size = real_cpu.size(0)
        label = torch.full((batch_size,), real_label, dtype=real_cpu.dtype)

        output = netD(real_cpu)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()

        noise = torch.randn(batch_size, nz, 1, 1)
        fake = netG(noise)
        label.fill_(fake_label)
        output = netD(fake.detach())
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        errD = errD_real + errD_fake
        optimizerD.step()

        # (2) Update G: maximize log(D(G(z)))
        netG.zero_grad()
        label.fill_(real_label)  # the generator wants fakes called real
        output = netD(fake)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = output.mean().item()
        optimizerG.step()

        print(
            f"epoch {epoch} batch {i} loss_d {errD.item():.6f} loss_g {errG.item():.6f} "
            f"d_x {D_x:.6f} d_g_z1 {D_G_z1:.6f} d_g_z2 {D_G_z2:.6f}"
        )

    fake = netG(fixed_noise)
    print(f"fixed fake {tuple(fake.shape)} mean {fake.mean().item():.6f}")
    torch.save(netG.state_dict(), f"{opt.outf}/netG_epoch_{epoch}.pth")
    torch.save(netD.state_dict(), f"{opt.outf}/netD_epoch_{epoch}.pth")

state = torch.load(f"{opt.outf}/netG_epoch_{opt.niter - 1}.pth")
print("reloaded generator keys", len(state), next(iter(state)))
