#!/usr/bin/env python3
"""docs/pytorch.md's code run in real PyTorch. Needs torch, so CI does not run it:
tests/e2e/pytorch.test.mjs runs it only when TORCH_PYTHON names a Python with torch, numpy and
safetensors (e.g. a throwaway venv: `python3 -m venv /tmp/torch && /tmp/torch/bin/pip install
torch numpy safetensors`).

  check_torch.py selftest       the docs' classes against check_layout.py's numpy forward
                                passes, on random weights: the numpy check is PyTorch's.
  check_torch.py export DIR     a check_layout.py `check` folder (WebGAN's export_pytorch()
                                files and outputs) loaded strictly into the docs' classes.
  check_torch.py snippet DIR    the docs' five-line loading snippet and metadata loader,
                                verbatim, in DIR (an unconditional MLP export).
  check_torch.py roundtrip DIR  the docs' round trip in PyTorch (load, train, save), verbatim,
                                on a copy of DIR (a conditional MLP export).
  check_torch.py train DIR --architecture mlp|dcgan [--classes 0|10] [--critic-norm 0|1]
                                the docs' classes trained a few steps with the docs' loop, saved
                                with safetensors.torch.save_file as the docs say, with the
                                outputs WebGAN must reproduce (for check_layout.py `compare`).

Prints `RESULT {json}`; exits 1 when a check failed.
"""

import json
import os
import re
import sys
import textwrap

import numpy as np
import torch
import safetensors.torch
from safetensors import safe_open

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the work tree
import check_layout as ref  # noqa: E402

DOC = os.path.join(HERE, "..", "..", "docs", "pytorch.md")
torch.set_default_dtype(torch.float64)


def doc_blocks():
    """The docs' Python code blocks, in order (list items' blocks dedented)."""
    return [textwrap.dedent(b) for b in re.findall(r"```python\n(.*?)```", open(DOC).read(), re.S)]


def classes_namespace():
    namespace = {}
    exec(doc_blocks()[0], namespace)  # the classes
    return namespace


def model_for(ns, state, metadata, part):
    architecture = ref.architecture_of(state)
    classes = int(metadata.get("classes", "0"))
    depth = 2 if "model.4.weight" in state else 1
    if part == "generator":
        latent = state["model.0.weight" if architecture == "mlp" else "project.weight"].shape[1] - classes
        if architecture == "mlp":
            return ns["Generator"](latent_dim=latent, classes=classes, depth=depth)
        return ns["DCGANGenerator"](latent_dim=latent, classes=classes, depth=3 if "refine.weight" in state else 1)
    if architecture == "mlp":
        return ns["Discriminator"](classes=classes, depth=depth)
    return ns["DCGANDiscriminator"](classes=classes, norm="norm.weight" in state, depth=2 if "conv3.weight" in state else 1)


def logits_of(model, x, y):
    return (model.logits(x, y) if hasattr(model, "logits") else model(x, y))[:, 0]


def selftest():
    ns = classes_namespace()
    rng = np.random.default_rng(0)
    errors, problems = {}, []
    for name, make, part in [
        ("mlp G", lambda k: ns["Generator"](classes=k), "g"), ("mlp D", lambda k: ns["Discriminator"](classes=k), "d"),
        ("dcgan G", lambda k: ns["DCGANGenerator"](classes=k), "g"),
        ("dcgan G depth 3", lambda k: ns["DCGANGenerator"](classes=k, depth=3), "g"),
        ("dcgan D", lambda k: ns["DCGANDiscriminator"](classes=k), "d"),
        ("dcgan D no norm", lambda k: ns["DCGANDiscriminator"](classes=k, norm=False), "d"),
        ("dcgan D depth 2", lambda k: ns["DCGANDiscriminator"](classes=k, depth=2), "d"),
        ("dcgan D depth 2 no norm", lambda k: ns["DCGANDiscriminator"](classes=k, norm=False, depth=2), "d"),
    ]:
        for classes in (0, 10):
            torch.manual_seed(classes)
            model = make(classes)
            # Non-trivial batch-norm statistics: a few forward passes in training mode.
            with torch.no_grad():
                for _ in range(3):
                    if part == "g":
                        model(torch.randn(8, 100), torch.randint(0, 10, (8,)))
                    else:
                        model(torch.rand(8, 784) * 2 - 1, torch.randint(0, 10, (8,)))
            for module in model.modules():
                if isinstance(module, torch.nn.BatchNorm2d):
                    module.weight.data.uniform_(0.5, 1.5)
                    module.bias.data.normal_(0, 0.2)
            model.eval()
            state = {k: v.numpy() for k, v in model.state_dict().items()}
            y = rng.integers(0, 10, 8)
            with torch.no_grad():
                if part == "g":
                    z = rng.standard_normal((8, 100))
                    ours = model(torch.from_numpy(z), torch.from_numpy(y)).numpy()
                    theirs = ref.generator_forward(state, z, y, classes)
                else:
                    x = rng.uniform(-1, 1, (8, 784))
                    ours = logits_of(model, torch.from_numpy(x), torch.from_numpy(y)).numpy()
                    theirs = ref.discriminator_logits(state, x, y if classes else None)
            architecture = ref.architecture_of(state)
            want = (ref.expected_generator(architecture, 100, classes, 32, 3 if "refine.weight" in state else 1) if part == "g" else
                    ref.expected_discriminator(architecture, classes, 32, "norm.weight" in state,
                                               2 if "conv3.weight" in state else 1))
            problems += ref.layout_problems(f"{name} classes={classes}",
                                            {k: v.astype(np.float32) if v.dtype == np.float64 else v
                                             for k, v in state.items()}, want)
            error = float(np.abs(ours - theirs).max())
            errors[f"{name} classes={classes}"] = error
            if error > 1e-10:
                problems.append(f"{name} classes={classes}: torch vs numpy {error:.3g}")
    return {"torch_vs_numpy_float64": errors}, problems


def export(d):
    torch.set_default_dtype(torch.float32)
    ns = classes_namespace()
    case = json.load(open(os.path.join(d, "case.json")))
    result, problems = {}, []
    models = {}
    for part in ("generator", "discriminator"):
        path = os.path.join(d, f"{part}.safetensors")
        with safe_open(path, "pt") as f:
            metadata = f.metadata()
        state = safetensors.torch.load_file(path)
        model = model_for(ns, {k: v for k, v in state.items()}, metadata, part)
        try:
            model.load_state_dict(state, strict=True)
        except RuntimeError as e:
            problems.append(f"{part}: load_state_dict(strict=True): {e}")
            continue
        models[part] = model.eval()
    classes = int(case["classes"])
    if "generator" in models:
        z = torch.from_numpy(np.fromfile(os.path.join(d, "z.f32"), dtype="<f4").reshape(-1, 100))
        y = torch.from_numpy(np.fromfile(os.path.join(d, "labels.u8"), dtype=np.uint8).astype(np.int64)) if classes else None
        with torch.no_grad():
            ours = models["generator"](z, y).numpy()
        theirs = np.fromfile(os.path.join(d, "webgan_generated.f32"), dtype="<f4").reshape(-1, 784)
        result["generator_max_error"] = float(np.abs(ours - theirs).max())
    if "discriminator" in models:
        pixels = np.fromfile(os.path.join(d, "images.u8"), dtype=np.uint8).reshape(-1, 784)
        x = torch.from_numpy(pixels.astype(np.float32) / 127.5 - 1)
        y = torch.from_numpy(np.fromfile(os.path.join(d, "image_labels.u8"), dtype=np.uint8).astype(np.int64)) if classes else None
        with torch.no_grad():
            logits = logits_of(models["discriminator"], x, y)
            scores = torch.sigmoid(logits) if case["scores"] == "probability" else logits
        theirs = np.fromfile(os.path.join(d, "webgan_scores.f32"), dtype="<f4")
        result["discriminator_max_error"], _ = ref.worst_score(scores.numpy(), theirs)
    for key in ("generator_max_error", "discriminator_max_error"):
        if result.get(key, 0) > 1e-5:
            problems.append(f"{key} {result[key]:.3g}")
    return result, problems


def in_dir(d, code, namespace):
    cwd = os.getcwd()
    os.chdir(d)
    try:
        exec(code, namespace)
    finally:
        os.chdir(cwd)


def snippet(d):
    """The five-line snippet and the metadata loader, verbatim, on an unconditional MLP export."""
    torch.set_default_dtype(torch.float32)
    namespace = classes_namespace()
    blocks = doc_blocks()
    in_dir(d, blocks[1], namespace)
    images = namespace["images"].detach()
    problems = [] if tuple(images.shape) == (16, 784) else [f"snippet gave {tuple(images.shape)}"]
    in_dir(d, blocks[2], namespace)  # picks the class from the metadata
    G = namespace["G"]
    G.load_state_dict(safetensors.torch.load_file(os.path.join(d, "generator.safetensors")), strict=True)
    return {"snippet_images_shape": list(images.shape), "min": float(images.min()), "max": float(images.max()),
            "metadata_class": type(G).__name__}, problems


def roundtrip(d):
    """The round trip's steps 2–4, verbatim, on a copy of a conditional MLP export; what they
    save must load again strictly and say it is conditional."""
    import shutil
    import tempfile
    torch.set_default_dtype(torch.float32)
    namespace = classes_namespace()
    blocks = doc_blocks()
    work = tempfile.mkdtemp()
    for name in ("generator.safetensors", "discriminator.safetensors"):
        shutil.copy(os.path.join(d, name), work)
    in_dir(work, blocks[3], namespace)  # load there
    namespace["loader"] = [(torch.rand(32, 784) * 2 - 1, torch.randint(0, 10, (32,))) for _ in range(3)]
    in_dir(work, blocks[4], namespace)  # train there
    in_dir(work, blocks[5], namespace)  # save
    problems = []
    for name, model in (("generator", namespace["Generator"](classes=10)), ("discriminator", namespace["Discriminator"](classes=10))):
        path = os.path.join(work, f"{name}.safetensors")
        model.load_state_dict(safetensors.torch.load_file(path), strict=True)
        with safe_open(path, "pt") as f:
            if (f.metadata() or {}).get("classes") != "10":
                problems.append(f"{name}: saved without classes 10")
    shutil.rmtree(work)
    return {"g_loss": namespace["g_loss"].item(), "d_loss": namespace["d_loss"].item()}, problems


def train(d, architecture, classes, critic_norm, depth=1):
    """A few steps of the docs' loop on random 'digits', saved as the docs say, with inputs and
    the outputs WebGAN must reproduce (check_layout.py `write`'s files)."""
    torch.set_default_dtype(torch.float32)
    ns = classes_namespace()
    torch.manual_seed(3)
    if architecture == "mlp":
        G, D = ns["Generator"](classes=classes, depth=depth), ns["Discriminator"](classes=classes, depth=depth)
    else:
        G, D = ns["DCGANGenerator"](classes=classes, depth=depth), ns["DCGANDiscriminator"](classes=classes, norm=critic_norm, depth=depth)
    loop = doc_blocks()[4]
    if architecture == "dcgan":  # its D returns logits
        loop = loop.replace("bce = nn.BCELoss()", "bce = nn.BCEWithLogitsLoss()")
    loader = [(torch.rand(32, 784) * 2 - 1, torch.randint(0, 10, (32,)) if classes else None) for _ in range(5)]
    exec(loop, {**ns, "G": G, "D": D, "loader": loader})
    G.eval()
    D.eval()
    os.makedirs(d, exist_ok=True)
    metadata = {"classes": "10"} if classes else None
    safetensors.torch.save_file(G.state_dict(), os.path.join(d, "generator.safetensors"), metadata=metadata)
    safetensors.torch.save_file(D.state_dict(), os.path.join(d, "discriminator.safetensors"), metadata=metadata)
    z = torch.randn(16, 100)
    y = torch.randint(0, 10, (16,)) if classes else None
    with torch.no_grad():
        generated = G(z, y)
        pixels = torch.cat([((generated + 1) * 127.5).round().clamp(0, 255).to(torch.uint8),
                            torch.randint(0, 256, (16, 784), dtype=torch.uint8)])
        image_labels = torch.randint(0, 10, (32,)) if classes else None
        logits = logits_of(D, pixels.float() / 127.5 - 1, image_labels)
    ref.write_inputs(d, z.numpy(), None if y is None else y.numpy(), pixels.numpy(),
                     None if image_labels is None else image_labels.numpy(),
                     generated.double().numpy(), logits.double().numpy())
    return {"generator_keys": sorted(G.state_dict()), "discriminator_keys": sorted(D.state_dict())}, []


def main():
    command = sys.argv[1]
    if command == "selftest":
        result, problems = selftest()
    elif command == "export":
        result, problems = export(sys.argv[2])
    elif command == "snippet":
        result, problems = snippet(sys.argv[2])
    elif command == "roundtrip":
        result, problems = roundtrip(sys.argv[2])
    elif command == "train":
        args = sys.argv[3:]
        architecture = args[args.index("--architecture") + 1]
        classes = int(args[args.index("--classes") + 1]) if "--classes" in args else 0
        norm = args[args.index("--critic-norm") + 1] != "0" if "--critic-norm" in args else True
        depth = int(args[args.index("--depth") + 1]) if "--depth" in args else 1
        result, problems = train(sys.argv[2], architecture, classes, norm, depth)
    else:
        sys.exit(f"unknown command {command}")
    result["problems"] = problems
    result["torch"] = torch.__version__
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    print("RESULT " + json.dumps(result))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
