#!/usr/bin/python3
"""An independent implementation of one actbench trial, in PyTorch (Debian's python3-torch).

It reads an actbench config and trains one cell of it — the same network, data selection, split, normalisation,
initialisation scale, optimiser and schedule as the README describes — and writes the summary fields actbench
writes. It shares no code with actbench and reads nothing of a run store: its only input is the config. Its
random streams are its own (torch's generator seeded from the trial's seed), so it agrees with actbench within
seed noise, not bit for bit; crosscheck/compare.py holds the two against each other over a list of seeds.

    crosscheck/crosscheck.py CONFIG --activation A [--init I] [--bias B] [--lr LR] [--seed S] [--out FILE]

What it implements (anything else in the config is refused with the key's name):
  dataset: kind idx (IDX files, gzip or raw), classes, train_subset / test_subset (the first n/classes images of
           each class in file order), validation (a stratified held-out fraction, its own seeded shuffle),
           normalize none | unit | standard (the training split's per-channel mean and population std of x/255)
  model:   lenet (conv k×k → act → 2×2 max-pool → conv k×k → act → 2×2 max-pool → dense → act → dense)
  train:   epochs, batch (the last partial batch of an epoch is dropped), lr, optimizer sgd | momentum |
           nesterov (PyTorch's SGD: v ← μv + g, w ← w − lr·v), momentum, weight_decay (weights only)
  init:    he_normal, he_uniform, xavier_uniform, xavier_normal, lecun_normal, every weight layer the same;
           every bias starts at the cell's bias value
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
import yaml


class ConfigError(Exception):
    pass


# ---------------------------------------------------------------------------------------------- activations
# The built-ins at their default parameters, written from their papers' formulas (not from actbench's table).
def _gelu_tanh(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


ACTIVATIONS = {
    "relu": torch.relu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.01),
    "elu": F.elu,
    "selu": F.selu,
    "softplus": F.softplus,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "softsign": lambda x: x / (1 + x.abs()),
    "swish": lambda x: x * torch.sigmoid(x),
    "silu": F.silu,
    "gelu": F.gelu,
    "gelu_tanh": _gelu_tanh,
    "mish": lambda x: x * torch.tanh(F.softplus(x)),
    "hardswish": F.hardswish,
    "clipped_relu": lambda x: x.clamp(0, 6),
    "relu6": F.relu6,
    "abs": torch.abs,
    "identity": lambda x: x,
}


# ---------------------------------------------------------------------------------------------- data
def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 8:
        raise ConfigError(f"{path}: not an IDX file of unsigned bytes")
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise ConfigError(f"{path}: {body.size} bytes of data where the header says {int(np.prod(dims))}")
    return body.reshape(dims)


def idx_file(folder, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise ConfigError(f"{folder}: no {stem} or {stem}.gz")


def stratified_head(labels, classes, n):
    """The first n/classes images of each class in file order (the remainder to the lowest classes)."""
    if n <= 0 or n >= len(labels):
        return np.arange(len(labels))
    quota = [n // classes + (1 if c < n % classes else 0) for c in range(classes)]
    picked = []
    for i, y in enumerate(labels):
        if quota[y] > 0:
            quota[y] -= 1
            picked.append(i)
    return np.array(picked)


def subset_count(value, total):
    return int(value) if value >= 1 else int(round(value * total))


def load_data(ds, seed_split):
    folder = ds["path"]
    x_train = read_idx(idx_file(folder, "train-images-idx3-ubyte"))
    y_train = read_idx(idx_file(folder, "train-labels-idx1-ubyte")).astype(np.int64)
    x_test = read_idx(idx_file(folder, "t10k-images-idx3-ubyte"))
    y_test = read_idx(idx_file(folder, "t10k-labels-idx1-ubyte")).astype(np.int64)
    classes = ds["classes"]
    if ds["train_subset"] > 0:
        keep = stratified_head(y_train, classes, subset_count(ds["train_subset"], len(y_train)))
        x_train, y_train = x_train[keep], y_train[keep]
    if ds["test_subset"] > 0:
        keep = stratified_head(y_test, classes, subset_count(ds["test_subset"], len(y_test)))
        x_test, y_test = x_test[keep], y_test[keep]
    x_val = y_val = None
    if ds["validation"] > 0:
        rng = np.random.default_rng(seed_split)
        held = np.zeros(len(y_train), dtype=bool)
        for c in range(classes):
            members = np.flatnonzero(y_train == c)
            rng.shuffle(members)
            held[members[:int(round(len(members) * ds["validation"]))]] = True
        x_val, y_val = x_train[held], y_train[held]
        x_train, y_train = x_train[~held], y_train[~held]
    # [N, H, W] → [N, 1, H, W] floats, normalised with the training split's statistics.
    x_train, x_test = x_train[:, None].astype(np.float64) / 255, x_test[:, None].astype(np.float64) / 255
    x_val = x_val[:, None].astype(np.float64) / 255 if x_val is not None else None
    mean, std = 0.0, 1.0
    if ds["normalize"] == "standard":
        mean, std = x_train.mean(), x_train.std()
    elif ds["normalize"] == "none":
        std = 1 / 255

    def tensor(x):
        return torch.from_numpy(((x - mean) / std).astype(np.float32)) if x is not None else None

    return (tensor(x_train), torch.from_numpy(y_train), tensor(x_test), torch.from_numpy(y_test),
            tensor(x_val), torch.from_numpy(y_val) if y_val is not None else None)


# ---------------------------------------------------------------------------------------------- model
class LeNet(torch.nn.Module):
    def __init__(self, m, height, width, classes, act):
        super().__init__()
        k, p = m["kernel"], m["padding"]
        self.act = act
        self.conv1 = torch.nn.Conv2d(1, m["conv1"], k, padding=p)
        self.conv2 = torch.nn.Conv2d(m["conv1"], m["conv2"], k, padding=p)
        h, w = height, width
        for _ in range(2):
            h, w = (h + 2 * p - k + 1) // 2, (w + 2 * p - k + 1) // 2
        self.dense = torch.nn.Linear(m["conv2"] * h * w, m["dense"])
        self.out = torch.nn.Linear(m["dense"], classes)

    def forward(self, x):
        x = F.max_pool2d(self.act(self.conv1(x)), 2)
        x = F.max_pool2d(self.act(self.conv2(x)), 2)
        x = self.act(self.dense(torch.flatten(x, 1)))
        return self.out(x)

    def weight_layers(self):
        return [self.conv1, self.conv2, self.dense, self.out]


def fans(layer):
    w = layer.weight
    area = w[0, 0].numel() if w.dim() == 4 else 1
    return w.shape[1] * area, w.shape[0] * area


def initialise(model, init, bias, gen):
    for layer in model.weight_layers():
        fan_in, fan_out = fans(layer)
        w = layer.weight
        with torch.no_grad():
            if init == "he_normal":
                w.normal_(0, math.sqrt(2 / fan_in), generator=gen)
            elif init == "he_uniform":
                b = math.sqrt(6 / fan_in)
                w.uniform_(-b, b, generator=gen)
            elif init == "xavier_uniform":
                b = math.sqrt(6 / (fan_in + fan_out))
                w.uniform_(-b, b, generator=gen)
            elif init == "xavier_normal":
                w.normal_(0, math.sqrt(2 / (fan_in + fan_out)), generator=gen)
            elif init == "lecun_normal":
                w.normal_(0, math.sqrt(1 / fan_in), generator=gen)
            else:
                raise ConfigError(f"init '{init}' is not implemented here (valid: he_normal, he_uniform, "
                                  "xavier_uniform, xavier_normal, lecun_normal)")
            layer.bias.fill_(bias)


# ---------------------------------------------------------------------------------------------- config
def checked(section, name, allowed, where):
    unknown = sorted(set(section) - set(allowed))
    if unknown:
        raise ConfigError(f"{where}: {name}.{unknown[0]} is not implemented by the cross-check "
                          f"(implemented: {', '.join(sorted(allowed))})")


def read_config(path):
    try:
        with open(path) as f:
            c = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        raise ConfigError(f"{path}: {e}")
    if not isinstance(c, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    if "extends" in c:
        raise ConfigError(f"{path}: extends: is not implemented by the cross-check; give the whole config")
    ds = dict(c.get("dataset") or {})
    checked(ds, "dataset", {"kind", "path", "classes", "train_subset", "test_subset", "validation",
                            "validation_seed", "normalize"}, path)
    if ds.get("kind", "idx") != "idx":
        raise ConfigError(f"{path}: dataset.kind {ds['kind']} is not implemented by the cross-check (idx only)")
    dataset = {"path": ds.get("path"), "classes": int(ds.get("classes", 10)),
               "train_subset": float(ds.get("train_subset", 0)), "test_subset": float(ds.get("test_subset", 0)),
               "validation": float(ds.get("validation", 0)), "normalize": ds.get("normalize", "standard")}
    if not dataset["path"]:
        raise ConfigError(f"{path}: dataset.path is missing")
    model = dict(c.get("model") or {})
    checked(model, "model", {"name", "conv1", "conv2", "dense", "kernel", "padding"}, path)
    if model.get("name", "lenet") != "lenet":
        raise ConfigError(f"{path}: model.name {model['name']} is not implemented by the cross-check (lenet only)")
    m = {"conv1": 32, "conv2": 64, "dense": 128, "kernel": 5, "padding": 2}
    m.update({k: int(v) for k, v in model.items() if k != "name"})
    tr = dict(c.get("train") or {})
    checked(tr, "train", {"epochs", "batch", "lr", "optimizer", "momentum", "weight_decay", "probe", "target"}, path)
    train = {"epochs": int(tr.get("epochs", 3)), "batch": int(tr.get("batch", 64)), "lr": float(tr.get("lr", 0.05)),
             "optimizer": tr.get("optimizer", "momentum"), "momentum": float(tr.get("momentum", 0.9)),
             "weight_decay": float(tr.get("weight_decay", 0))}
    if train["optimizer"] not in ("sgd", "momentum", "nesterov"):
        raise ConfigError(f"{path}: train.optimizer {train['optimizer']} is not implemented by the cross-check")
    return {"dataset": dataset, "model": m, "train": train}


# ---------------------------------------------------------------------------------------------- training
def evaluate(model, x, y, batch=1000):
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(y), batch):
            logits = model(x[i:i + batch])
            loss += F.cross_entropy(logits, y[i:i + batch], reduction="sum").item()
            correct += (logits.argmax(1) == y[i:i + batch]).sum().item()
    model.train()
    return loss / len(y), correct / len(y)


def train_cell(config, activation, init, bias, seed, lr=None, epochs=None):
    if activation not in ACTIVATIONS:
        raise ConfigError(f"activation '{activation}' is not implemented by the cross-check "
                          f"(valid: {', '.join(ACTIVATIONS)})")
    t = dict(config["train"])
    if lr is not None:
        t["lr"] = lr
    if epochs is not None:
        t["epochs"] = epochs
    x_train, y_train, x_test, y_test, x_val, y_val = load_data(config["dataset"], seed_split=1)
    gen = torch.Generator().manual_seed(seed)
    model = LeNet(config["model"], x_train.shape[2], x_train.shape[3], config["dataset"]["classes"], ACTIVATIONS[activation])
    initialise(model, init, bias, gen)
    decay, no_decay = [], []
    for layer in model.weight_layers():
        decay.append(layer.weight)
        no_decay.append(layer.bias)
    momentum = 0.0 if t["optimizer"] == "sgd" else t["momentum"]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": t["weight_decay"]}, {"params": no_decay, "weight_decay": 0}],
                          lr=t["lr"], momentum=momentum, nesterov=t["optimizer"] == "nesterov")
    batch = t["batch"]
    steps_per_epoch = len(y_train) // batch
    rows = []
    test_loss, test_acc = evaluate(model, x_test, y_test)
    rows.append({"epoch": 0, "test_loss": test_loss, "test_accuracy": test_acc})
    grad_first = None
    status, diverged_step, step = "ok", None, 0
    started = time.time()
    for epoch in range(1, t["epochs"] + 1):
        order = torch.randperm(len(y_train), generator=gen)
        loss_sum, correct = 0.0, 0
        for s in range(steps_per_epoch):
            idx = order[s * batch:(s + 1) * batch]
            logits = model(x_train[idx])
            loss = F.cross_entropy(logits, y_train[idx])
            step += 1
            if not math.isfinite(loss.item()):
                status, diverged_step = "diverged", step
                break
            opt.zero_grad()
            loss.backward()
            if grad_first is None:
                grad_first = [layer.weight.grad.norm().item() for layer in model.weight_layers()]
            opt.step()
            loss_sum += loss.item() * batch
            correct += (logits.argmax(1) == y_train[idx]).sum().item()
        if status != "ok":
            break
        seen = steps_per_epoch * batch
        row = {"epoch": epoch, "train_loss": loss_sum / seen, "train_accuracy": correct / seen}
        row["test_loss"], row["test_accuracy"] = evaluate(model, x_test, y_test)
        if x_val is not None:
            row["val_loss"], row["val_accuracy"] = evaluate(model, x_val, y_val)
        rows.append(row)
    final = rows[-1]
    return {
        "implementation": f"crosscheck (PyTorch {torch.__version__})",
        "settings": {"activation": activation, "init": init, "bias": bias, "seed": seed, "train.lr": t["lr"],
                     "epochs": t["epochs"], "train_images": len(y_train), "test_images": len(y_test),
                     "validation_images": 0 if y_val is None else len(y_val)},
        "status": status,
        "diverged_step": diverged_step,
        "steps": step,
        "final_test_accuracy": final["test_accuracy"] if status == "ok" else None,
        "best_test_accuracy": max(r["test_accuracy"] for r in rows[1:]) if len(rows) > 1 else None,
        "final_val_accuracy": final.get("val_accuracy") if status == "ok" else None,
        "final_train_loss": final.get("train_loss") if status == "ok" else None,
        "initial_test_loss": rows[0]["test_loss"],
        "grad_norm_first_step": grad_first,
        "seconds": time.time() - started,
        "epochs": rows,
    }


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("config")
    ap.add_argument("--activation", required=True)
    ap.add_argument("--init", default="he_normal")
    ap.add_argument("--bias", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lr", type=float, help="the cell's learning rate (default: the config's train.lr)")
    ap.add_argument("--epochs", type=int, help="override train.epochs (for a quick check)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", help="write the summary JSON here (default: stdout)")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    try:
        summary = train_cell(read_config(a.config), a.activation, a.init, a.bias, a.seed, a.lr, a.epochs)
    except ConfigError as e:
        print(f"crosscheck: {e}", file=sys.stderr)
        return 2
    text = json.dumps(summary, indent=1, sort_keys=True)
    if a.out:
        tmp = a.out + ".tmp"
        with open(tmp, "w") as f:
            f.write(text + "\n")
        os.replace(tmp, a.out)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
