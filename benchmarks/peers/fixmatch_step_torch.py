"""PyTorch peer for benchmarks/Workbench.Benchmarks/FixMatchBenchmarks.cs (TrainingStep): one FixMatch step of the same
small CNN (5x5/2 conv width 8, 3x3/2 conv 16, 3x3 conv 16, each + BatchNorm + ReLU, global average pool, linear 10)
on 32 labelled + 96 weak + 96 strong 28 x 28 images in one forward pass, tau 0.95, weight decay 5e-4 on conv/linear
weights, SGD Nesterov 0.9, then the EMA update of parameters and buffers; one thread. Needs python3-torch:
    /usr/bin/python3 benchmarks/peers/fixmatch_step_torch.py
Prints the median of 200 steps after 20 warm-up steps."""
import copy, statistics, time
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
w = 8
net = nn.Sequential(nn.Conv2d(1, w, 5, 2, 2, bias=False), nn.BatchNorm2d(w), nn.ReLU(),
                    nn.Conv2d(w, 2 * w, 3, 2, 1, bias=False), nn.BatchNorm2d(2 * w), nn.ReLU(),
                    nn.Conv2d(2 * w, 2 * w, 3, 1, 1, bias=False), nn.BatchNorm2d(2 * w), nn.ReLU(),
                    nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2 * w, 10))
ema = copy.deepcopy(net)
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, nesterov=True)
x = torch.rand(32 + 2 * 96, 1, 28, 28)
y = torch.randint(0, 10, (32,))
decayed = [p for p in net.parameters() if p.dim() >= 2]

def step():
    logits = net(x)
    ls = F.cross_entropy(logits[:32], y)
    weak, strong = logits[32:128], logits[128:]
    conf, pseudo = torch.softmax(weak.detach(), 1).max(1)
    lu = (F.cross_entropy(strong, pseudo, reduction="none") * conf.ge(0.95).float()).mean()
    loss = ls + lu + 5e-4 * sum((p ** 2).sum() for p in decayed) / 2
    opt.zero_grad()
    loss.backward()
    opt.step()
    with torch.no_grad():
        for e, s in zip(ema.state_dict().values(), net.state_dict().values()):
            if e.dtype.is_floating_point:
                e.mul_(0.99).add_(s, alpha=0.01)

for _ in range(20):
    step()
times = []
for _ in range(200):
    t = time.perf_counter(); step(); times.append(time.perf_counter() - t)
print(f"PyTorch {torch.__version__}, 1 thread: median FixMatch step {statistics.median(times) * 1e3:.2f} ms (200 steps)")
