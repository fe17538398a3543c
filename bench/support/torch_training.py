"""Training throughput of the benchmark's three shapes in PyTorch, for bench/training.bench.mjs.

Usage: torch_training.py MODEL SECONDS [THREADS]    MODEL: mlp | cnn | lstm; SECONDS: how long to time (after warm-up);
THREADS: torch.set_num_threads, else PyTorch's default.
Prints one JSON line: {"model", "samples_per_s", "samples_per_cpu_s", "batches", "seconds", "cpu_seconds", "threads",
"torch"}: CPU time (all threads) is less disturbed than wall time by other work on the machine.
The shapes match bench/support/tfjsTraining.mjs; see bench/training.bench.mjs for what each is.
Softmax + categorical cross-entropy is nn.CrossEntropyLoss on logits, PyTorch's usual (fused) form of the same loss.
"""
import json
import sys
import time

import torch
from torch import nn

BATCH = 128
VOCAB, SEQ_LEN, EMBED, LSTM_UNITS = 10000, 100, 64, 64


class LstmClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, EMBED)
        self.lstm = nn.LSTM(EMBED, LSTM_UNITS, batch_first=True)
        self.dense = nn.Linear(LSTM_UNITS, 2)

    def forward(self, x):
        _, (h, _) = self.lstm(self.embedding(x))
        return self.dense(h[-1])


def build(model):
    if model == "mlp":
        net = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10))
        return net, lambda: torch.rand(BATCH, 1, 28, 28), 10
    if model == "cnn":
        net = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(5 * 5 * 64, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10),
        )
        return net, lambda: torch.rand(BATCH, 1, 28, 28), 10
    if model == "lstm":
        return LstmClassifier(), lambda: torch.randint(1, VOCAB, (BATCH, SEQ_LEN)), 2
    raise SystemExit(f"unknown model {model!r}: mlp, cnn or lstm")


def main():
    model, seconds = sys.argv[1], float(sys.argv[2])
    if len(sys.argv) > 3:
        torch.set_num_threads(int(sys.argv[3]))
    torch.manual_seed(0)
    net, make_x, classes = build(model)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    batches = [(make_x(), torch.randint(0, classes, (BATCH,))) for _ in range(8)]
    net.train()

    def step(i):
        x, y = batches[i % len(batches)]
        optimizer.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    for i in range(3):
        step(i)
    count, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while count < 3 or time.perf_counter() - start < seconds:
        step(count)
        count += 1
    elapsed, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    print(json.dumps({"model": model, "samples_per_s": count * BATCH / elapsed, "samples_per_cpu_s": count * BATCH / cpu_seconds,
                      "batches": count, "seconds": elapsed, "cpu_seconds": cpu_seconds,
                      "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
