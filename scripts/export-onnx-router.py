#!/usr/bin/env python3
"""Export a tlr router file (mlp or logreg) to ONNX through PyTorch, as a CITER router trained in
PyTorch would be exported, and write the ONNX router file (descriptor) that `loadRouter` reads.

    /usr/bin/python3 scripts/export-onnx-router.py routers/toy-arith-mlp.json routers/toy-arith-mlp.onnx

writes routers/toy-arith-mlp.onnx and routers/toy-arith-mlp.onnx.json. Needs PyTorch (Debian:
apt-get install python3-torch; tested with 1.13) and nothing else. The module is CITER's shape
rebuilt layer by layer from the file (Linear, BatchNorm1d in eval mode, ReLU, Dropout, then a
Sigmoid), with the input standardisation of the router file as its first step, so the graph takes
the raw features and returns the confidence that the small model's token is fine.
"""
import base64
import hashlib
import json
import os
import sys

import numpy as np
import torch
from torch import nn


def floats(s):
    return torch.from_numpy(np.frombuffer(base64.b64decode(s), dtype="<f4").copy())


class Standardise(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)

    def forward(self, x):
        return (x - self.mean) / self.std


def build(router):
    net = router["network"]
    layers = [Standardise(floats(net["inputMean"]), floats(net["inputStd"]))]
    for layer in net["layers"]:
        if layer["type"] == "linear":
            lin = nn.Linear(layer["in"], layer["out"])
            lin.weight.data = floats(layer["weight"]).reshape(layer["out"], layer["in"])
            lin.bias.data = floats(layer["bias"])
            layers.append(lin)
        elif layer["type"] == "batchnorm":
            bn = nn.BatchNorm1d(layer["size"], eps=layer["eps"])
            bn.running_mean.data = floats(layer["mean"])
            bn.running_var.data = floats(layer["variance"])
            bn.weight.data = floats(layer["gamma"])
            bn.bias.data = floats(layer["beta"])
            layers.append(bn)
        elif layer["type"] == "relu":
            layers.append(nn.ReLU())
            layers.append(nn.Dropout(router.get("training", {}).get("settings", {}).get("dropout", 0.1)))
        else:
            raise SystemExit(f"unknown layer type {layer['type']}")
    layers.append(nn.Sigmoid())
    return nn.Sequential(*layers).eval()


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    source, out = sys.argv[1], sys.argv[2]
    with open(source) as f:
        router = json.load(f)
    if router.get("kind") not in ("mlp", "logreg"):
        raise SystemExit(f"{source}: an mlp or logreg router file is needed, not {router.get('kind')}")
    model = build(router)
    width = len(floats(router["network"]["inputMean"]))
    torch.manual_seed(0)
    example = torch.randn(4, width)
    torch.onnx.export(model, example, out, input_names=["features"], output_names=["confidence"],
                      dynamic_axes={"features": {0: "batch"}, "confidence": {0: "batch"}}, opset_version=13)
    with open(out, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    with open(source, "rb") as f:
        source_digest = hashlib.sha256(f.read()).hexdigest()
    descriptor = {
        "format": "tlr-router",
        "version": 1,
        "kind": "onnx",
        "features": router["features"],
        "model": router["model"],
        "onnx": {"file": os.path.basename(out), "sha256": digest, "input": "features", "output": "confidence", "outputIs": "probability"},
        "training": {"exportedFrom": {"file": os.path.basename(source), "sha256": source_digest}, "torch": torch.__version__, "opset": 13},
    }
    with open(out + ".json", "w") as f:
        json.dump(descriptor, f, indent=1)
        f.write("\n")
    print(f"{out} ({os.path.getsize(out)} bytes, sha256 {digest[:12]}…) and {out}.json")


if __name__ == "__main__":
    main()
