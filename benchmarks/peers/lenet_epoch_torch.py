"""PyTorch peer for benchmarks/Workbench.Benchmarks/LotteryTraining.cs: one epoch of LeNet-300-100 on Fashion-MNIST
(60,000 images, batch 60, Adam 1.2e-3), one thread, the same loop. Needs Debian's python3-torch and python3-numpy:
    /usr/bin/python3 benchmarks/peers/lenet_epoch_torch.py
Prints the median of 5 epochs after one warm-up epoch."""
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
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(784, 300), torch.nn.ReLU(), torch.nn.Linear(300, 100), torch.nn.ReLU(), torch.nn.Linear(100, 10))
opt = torch.optim.Adam(net.parameters(), lr=1.2e-3)

def epoch():
    for idx in batches:
        loss = torch.nn.functional.cross_entropy(net(x.index_select(0, idx)), y.index_select(0, idx))
        opt.zero_grad()
        loss.backward()
        opt.step()

epoch()
times = []
for _ in range(5):
    t = time.perf_counter(); epoch(); times.append(time.perf_counter() - t)
print(f"PyTorch {torch.__version__}, 1 thread: median epoch {statistics.median(times) * 1e3:.0f} ms (5 epochs)")
