#!/usr/bin/python3
"""The PyTorch yardstick for elbo's MLP VAE: quality (importance-sampled NLL) and speed (images/s).

Run with Debian's python3-torch on OpenBLAS (the reference BLAS is ~17x slower):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \
        /usr/bin/python3 packages/models/bench/pytorch_vae.py ../shared/data/mnist [--seeds 0,1,2] [--json OUT]

The model is the one the issue fixes: 784-512-256-32 (ReLU), a diagonal Gaussian q(z|x), a standard normal
prior, Bernoulli p(x|z) from logits; Adam 1e-3, batch 128, 10 epochs on digits 0..7999 of the MNIST test
set (t10k), binarised by thresholding at 0.5 (pixel/255 > 0.5); evaluated on digits 8000..9999 with the
importance-sampled NLL, K = 500 samples per image: NLL = -log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x).
Initialisation (--init): 'elbo' (default) draws the weights as @elbo/models does, He-normal for the ReLU
layers and Glorot-uniform for the two output layers, biases 0, with q's scale softplus + 1e-4, so that the
two implementations train the same model from the same distribution of starts; 'torch' keeps PyTorch's
default Linear initialisation (Kaiming-uniform with a = sqrt(5), which starts ~2.4x smaller and trains
markedly slower in 10 epochs). Threads: 2 (this machine's cores).
Prints, per seed, the final training loss, the test ELBO and the NLL (nats per image) and the training
images/s, then the mean and the seed-to-seed spread (min..max, standard deviation).
"""
import argparse, gzip, json, math, os, struct, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack('>HBB', data[:4])
    assert zero == 0 and dtype == 0x08, f'{path}: not an unsigned-byte IDX file'
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return torch.frombuffer(bytearray(data[4 + 4 * ndim:]), dtype=torch.uint8).reshape(dims)


class Vae(nn.Module):
    def __init__(self, hidden=(512, 256), latent=32, init='elbo'):
        super().__init__()
        self.e1, self.e2 = nn.Linear(784, hidden[0]), nn.Linear(hidden[0], hidden[1])
        self.e3 = nn.Linear(hidden[1], 2 * latent)
        self.d1, self.d2 = nn.Linear(latent, hidden[1]), nn.Linear(hidden[1], hidden[0])
        self.d3 = nn.Linear(hidden[0], 784)
        self.latent = latent
        self.floor = 1e-4 if init == 'elbo' else 1e-6
        if init == 'elbo':
            for layer in (self.e1, self.e2, self.d1, self.d2):
                nn.init.kaiming_normal_(layer.weight, nonlinearity='relu')
                nn.init.zeros_(layer.bias)
            for layer in (self.e3, self.d3):
                nn.init.xavier_uniform_(layer.weight)
                nn.init.zeros_(layer.bias)

    def encode(self, x):
        h = self.e3(F.relu(self.e2(F.relu(self.e1(x)))))
        loc, raw = h[..., :self.latent], h[..., self.latent:]
        return loc, F.softplus(raw) + self.floor

    def decode(self, z):
        return self.d3(F.relu(self.d2(F.relu(self.d1(z)))))

    def loss(self, x):
        loc, scale = self.encode(x)
        z = loc + scale * torch.randn_like(loc)
        rec = F.binary_cross_entropy_with_logits(self.decode(z), x, reduction='none').sum(-1)
        kl = (0.5 * (loc ** 2 + scale ** 2 - 1) - torch.log(scale)).sum(-1)
        return (rec + kl).mean()

    @torch.no_grad()
    def nll(self, x, k=500, chunk=100):
        loc, scale = self.encode(x)
        q = torch.distributions.Normal(loc, scale)
        prior = torch.distributions.Normal(0.0, 1.0)
        logw = []
        for start in range(0, k, chunk):
            z = q.sample((min(chunk, k - start),))  # [c, B, L]
            logits = self.decode(z)
            log_px = -F.binary_cross_entropy_with_logits(logits, x.expand_as(logits), reduction='none').sum(-1)
            logw.append(log_px + prior.log_prob(z).sum(-1) - q.log_prob(z).sum(-1))
        logw = torch.cat(logw, 0)
        return -(torch.logsumexp(logw, 0) - math.log(k)), -logw.mean(0)


def run(images, seed, epochs=10, batch=128, init='elbo'):
    torch.manual_seed(seed)
    model = Vae(init=init)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    train, test = images[:8000], images[8000:10000]
    g = torch.Generator().manual_seed(seed)
    seen, start = 0, time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(len(train), generator=g)
        for i in range(0, len(train), batch):
            xb = train[perm[i:i + batch]]
            opt.zero_grad()
            loss = model.loss(xb)
            loss.backward()
            opt.step()
            seen += len(xb)
    seconds = time.perf_counter() - start
    nll, neg_elbo = model.nll(test)
    return {'seed': seed, 'trainLoss': float(loss), 'testElbo': float(-neg_elbo.mean()), 'nll': float(nll.mean()),
            'imagesPerSecond': seen / seconds}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mnist_dir')
    ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--epochs', type=int, default=10)
    ap.add_argument('--json')
    ap.add_argument('--init', choices=['elbo', 'torch'], default='elbo')
    a = ap.parse_args()
    torch.set_num_threads(2)
    raw = read_idx(os.path.join(a.mnist_dir, 't10k-images-idx3-ubyte.gz')).reshape(-1, 784).float() / 255
    images = (raw > 0.5).float()
    results = [run(images, int(s), a.epochs, init=a.init) for s in a.seeds.split(',')]
    for r in results:
        print(f"seed {r['seed']}: train loss {r['trainLoss']:.2f}, test ELBO {r['testElbo']:.2f}, "
              f"NLL {r['nll']:.2f} nats, {r['imagesPerSecond']:.0f} img/s")
    nlls = torch.tensor([r['nll'] for r in results], dtype=torch.float64)
    summary = {'init': a.init, 'nllMean': float(nlls.mean()), 'nllMin': float(nlls.min()), 'nllMax': float(nlls.max()),
               'nllStd': float(nlls.std()) if len(nlls) > 1 else 0.0,
               'imagesPerSecond': sum(r['imagesPerSecond'] for r in results) / len(results),
               'torch': torch.__version__, 'threads': torch.get_num_threads(), 'runs': results}
    print(f"NLL {summary['nllMean']:.2f} nats (min {summary['nllMin']:.2f}, max {summary['nllMax']:.2f}, "
          f"sd {summary['nllStd']:.2f}) over {len(results)} seeds; {summary['imagesPerSecond']:.0f} img/s")
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(summary, f, indent=1)


if __name__ == '__main__':
    main()
