"""PyTorch peer for benchmarks/Workbench.Benchmarks/LotteryTraining.cs: one epoch of LeNet-300-100 on Fashion-MNIST
(60,000 images, batch 60, Adam 1.2e-3), one thread, the same loop. Needs Debian's python3-torch and python3-numpy:
    /usr/bin/python3 benchmarks/peers/lenet_epoch_torch.py
Prints the median of 5 epochs after one warm-up epoch, dense and with an 80 %-pruned mask applied as the Lottery Ticket
trainer does (gradients masked before each Adam step, weights re-masked after it)."""
import gzip, statistics, time
import numpy as np
import torch

torch.set_num_threads(1)
with gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") as f:
    x = torch.tensor(np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255)
with gzip.open("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz") as f:
    y = torch.tensor(np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64))
order = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))
batches = [order[b * 60:(b + 1) * 60] for b in range(len(y) // 60)]

def run(masked):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(784, 300), torch.nn.ReLU(), torch.nn.Linear(300, 100), torch.nn.ReLU(),
                              torch.nn.Linear(100, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1.2e-3)
    weights = [net[0].weight, net[2].weight, net[4].weight]
    g = torch.Generator().manual_seed(0)
    masks = [(torch.rand(w.shape, generator=g) < 0.2).float() for w in weights]
    if masked:
        with torch.no_grad():
            for w, m in zip(weights, masks): w.mul_(m)

    def epoch():
        for idx in batches:
            loss = torch.nn.functional.cross_entropy(net(x.index_select(0, idx)), y.index_select(0, idx))
            opt.zero_grad()
            loss.backward()
            if masked:
                for w, m in zip(weights, masks): w.grad.mul_(m)
            opt.step()
            if masked:
                with torch.no_grad():
                    for w, m in zip(weights, masks): w.mul_(m)

    epoch()
    times = []
    for _ in range(5):
        t = time.perf_counter(); epoch(); times.append(time.perf_counter() - t)
    kind = "80 % pruned" if masked else "dense"
    print(f"PyTorch {torch.__version__}, 1 thread, {kind}: median epoch {statistics.median(times) * 1e3:.0f} ms (5 epochs)")

run(False)
run(True)
