#!/usr/bin/python3
"""PyTorch CPU speed of the training steps that step.bench.mjs times, for side-by-side ratios.

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 pytorch_step.py [--threads 2] [--steps 30] [--models mlp,conv]

Prints one JSON line: images/s of one Adam step (batch 128, binary pixels) of the MLP VAE 784-512-256-32 and
of the conv VAE (4x4 stride-2 convs 1->32->64, dense to 2x32, mirrored with transposed convs), and the
process's peak resident memory in MB.
"""
import argparse, json, resource, time

import torch
import torch.nn as nn
import torch.nn.functional as F

L = 32


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 2 * L))
        self.dec = nn.Sequential(nn.Linear(L, 256), nn.ReLU(), nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 784))

    def forward(self, x):
        return self.enc(x.flatten(1)), lambda z: self.dec(z)


class Conv(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(),
                                 nn.Flatten(), nn.Linear(7 * 7 * 64, 2 * L))
        self.dec = nn.Sequential(nn.Linear(L, 7 * 7 * 64), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
                                 nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(32, 1, 4, 2, 1),
                                 nn.Flatten())

    def forward(self, x):
        return self.enc(x.reshape(-1, 1, 28, 28)), lambda z: self.dec(z)


def loss(model, x):
    h, decode = model(x)
    loc, scale = h[:, :L], F.softplus(h[:, L:]) + 1e-4
    z = loc + scale * torch.randn_like(loc)
    rec = F.binary_cross_entropy_with_logits(decode(z), x.flatten(1), reduction='none').sum(-1)
    kl = (0.5 * (loc ** 2 + scale ** 2 - 1) - torch.log(scale)).sum(-1)
    return (rec + kl).mean()


def images_per_second(model, steps, batch=128):
    """`steps` steps of warm-up, then the median of 5 runs of ceil(steps/2) steps, as step.bench.mjs."""
    torch.manual_seed(0)
    x = (torch.rand(batch, 784) > 0.8).float()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        loss(model, x).backward()
        opt.step()

    for _ in range(steps):
        step()
    per = -(-steps // 2)
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(per):
            step()
        runs.append((time.perf_counter() - t0) / per)
    return batch / sorted(runs)[2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--models', default='mlp,conv', help='which steps to time: mlp, conv or both')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    out = {'torch': torch.__version__, 'threads': torch.get_num_threads()}
    if 'mlp' in a.models.split(','):
        out['mlp'] = images_per_second(Mlp(), a.steps)
    if 'conv' in a.models.split(','):
        out['conv'] = images_per_second(Conv(), max(5, a.steps // 3))
    out['maxRssMB'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == '__main__':
    main()
