#!/usr/bin/env python3
"""An independent check of WebGAN's PyTorch layout (docs/pytorch.md), with numpy and
safetensors only: no torch and no WebGAN code. The networks' forward passes are written out
here from PyTorch's own definitions of Linear, BatchNorm2d (eval), ConvTranspose2d, Conv2d,
LeakyReLU and Embedding, in float64.

  check_layout.py check DIR    WebGAN's export_pytorch() files in DIR (keys, shapes, dtypes,
                               metadata) and WebGAN's own outputs on the same inputs
                               (generate_floats, discriminate) against these forward passes.
  check_layout.py write DIR --architecture mlp|dcgan [--classes 0|10] [--critic-norm 0|1] [--depth 1|2|3]
                               A random generator and discriminator in the PyTorch layout,
                               written with numpy and safetensors.numpy.save_file, with inputs
                               for them and the outputs they must give.
  check_layout.py compare DIR [--scores probability|logit]
                               WebGAN's outputs on write's files against those.

The folder's files: generator.safetensors, discriminator.safetensors; z.f32 (n × latent
float32), labels.u8 (n digits, conditional only), images.u8 (m × 784 pixels),
image_labels.u8 (m digits); for check, case.json ({"architecture", "classes",
"latent_dim", "critic_norm", "depth" (the MLP's hidden layers; for a DCGAN 2 when D has conv3, 3 when G has refine too; 1 if absent), "scores": "probability"|"logit"}), webgan_generated.f32 (n × 784) and
webgan_scores.f32 (m); for compare, expected_generated.npy and expected_logits.npy (write's,
float64) and WebGAN's webgan_generated.f32 (Generator.load), webgan_trainer_generated.f32
and webgan_scores.f32 (GanTrainer.create).

Each command prints one line `RESULT {json}` and exits 1 when a check failed, after saying
which key, shape, dtype or value differed.
"""

import argparse
import json
import os
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

PIXELS, SIDE, SLOPE, EPS = 784, 28, 0.2, 1e-5
CLASSES, MLP_HIDDEN, DCGAN_CHANNELS = 10, 256, 32


# PyTorch's layers, in float64 ----------------------------------------------------------------

def linear(x, weight, bias=None):
    """nn.Linear: y = x Wᵀ + b, weight [out, in]."""
    y = x @ weight.T
    return y if bias is None else y + bias


def batch_norm_eval(x, p, name):
    """nn.BatchNorm2d in eval mode: (x − running_mean) / √(running_var + eps) · weight + bias."""
    shape = (1, -1, 1, 1)
    mean, var = p[f"{name}.running_mean"].reshape(shape), p[f"{name}.running_var"].reshape(shape)
    gamma, beta = p[f"{name}.weight"].reshape(shape), p[f"{name}.bias"].reshape(shape)
    return (x - mean) / np.sqrt(var + EPS) * gamma + beta


def conv_transpose2d(x, weight, bias=None, stride=2, padding=1):
    """nn.ConvTranspose2d, weight [in, out, kh, kw]: input pixel (i, j) adds x·W[:, :, a, b] to
    output pixel (i·stride − padding + a, j·stride − padding + b)."""
    n, _, h, w = x.shape
    _, out, kh, kw = weight.shape
    full = np.zeros((n, out, (h - 1) * stride + kh, (w - 1) * stride + kw))
    for a in range(kh):
        for b in range(kw):
            full[:, :, a:a + stride * (h - 1) + 1:stride, b:b + stride * (w - 1) + 1:stride] += \
                np.einsum("nihw,io->nohw", x, weight[:, :, a, b])
    y = full[:, :, padding:full.shape[2] - padding, padding:full.shape[3] - padding]
    return y if bias is None else y + bias.reshape(1, -1, 1, 1)


def conv2d(x, weight, bias=None, stride=2, padding=1):
    """nn.Conv2d (a cross-correlation), weight [out, in, kh, kw]."""
    n, _, h, w = x.shape
    out, _, kh, kw = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh, ow = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    y = np.zeros((n, out, oh, ow))
    for a in range(kh):
        for b in range(kw):
            patch = xp[:, :, a:a + stride * (oh - 1) + 1:stride, b:b + stride * (ow - 1) + 1:stride]
            y += np.einsum("nihw,oi->nohw", patch, weight[:, :, a, b])
    return y if bias is None else y + bias.reshape(1, -1, 1, 1)


def relu(x):
    return np.maximum(x, 0.0)


def leaky_relu(x):
    return np.where(x < 0, SLOPE * x, x)


def one_hot(labels):
    return np.eye(CLASSES)[labels]


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# The four networks, as docs/pytorch.md's classes compute them --------------------------------

def architecture_of(p):
    if "model.0.weight" in p:
        return "mlp"
    if "project.weight" in p:
        return "dcgan"
    if "conv1.weight" in p:
        return "dcgan"
    raise ValueError(f"neither an MLP (model.0.weight) nor a DCGAN (project.weight / conv1.weight): keys {sorted(p)}")


def mlp_widths(network, depth, inputs=PIXELS):
    """The MLP's widths from input to output: one hidden layer, or two with the wider one next
    to the image (G inputs → 256 → 512 → 784, D 784 → 512 → 256 → 1)."""
    if network == "generator":
        return [inputs, MLP_HIDDEN, PIXELS] if depth == 1 else [inputs, MLP_HIDDEN, 2 * MLP_HIDDEN, PIXELS]
    return [PIXELS, MLP_HIDDEN, 1] if depth == 1 else [PIXELS, 2 * MLP_HIDDEN, MLP_HIDDEN, 1]


def mlp_keys(widths):
    """nn.Sequential's keys: the linear layers at 0, 2, 4, …, activations between them."""
    keys = {}
    for i, (fan_in, fan_out) in enumerate(zip(widths, widths[1:])):
        keys[f"model.{2 * i}.weight"], keys[f"model.{2 * i}.bias"] = (fan_out, fan_in), (fan_out,)
    return keys


def mlp_hidden(p, x, activation):
    """The hidden layers of an nn.Sequential MLP; returns the last features and the output layer's index."""
    i = 0
    while f"model.{i + 2}.weight" in p:
        x = activation(linear(x, p[f"model.{i}.weight"], p[f"model.{i}.bias"]))
        i += 2
    return x, i


def generator_input(z, labels, classes):
    return np.concatenate([z, one_hot(labels)], 1) if classes else z


def generator_forward(p, z, labels, classes):
    """G(z, y) → n × 784 in [-1, 1]; a DCGAN's batch norm in eval mode."""
    x = generator_input(z, labels, classes)
    if architecture_of(p) == "mlp":
        h, last = mlp_hidden(p, x, relu)
        return np.tanh(linear(h, p[f"model.{last}.weight"], p[f"model.{last}.bias"]))
    c2 = p["project_norm.weight"].shape[0]
    x = linear(x, p["project.weight"]).reshape(-1, c2, SIDE // 4, SIDE // 4)
    x = relu(batch_norm_eval(x, p, "project_norm"))
    x = relu(batch_norm_eval(conv_transpose2d(x, p["up1.weight"]), p, "up1_norm"))
    if "refine.weight" in p:  # depth 3: 3 × 3 at 14 × 14, then batch norm
        x = relu(batch_norm_eval(conv2d(x, p["refine.weight"], stride=1, padding=1), p, "refine_norm"))
    return np.tanh(conv_transpose2d(x, p["up2.weight"], p["up2.bias"])).reshape(-1, PIXELS)


def discriminator_logits(p, x, labels):
    """D's logit for images x (n × 784 in [-1, 1]); the projection term when it has `embed`."""
    if architecture_of(p) == "mlp":
        h, last = mlp_hidden(p, x, leaky_relu)
        logit = linear(h, p[f"model.{last}.weight"], p[f"model.{last}.bias"])
    else:
        x = leaky_relu(conv2d(x.reshape(-1, 1, SIDE, SIDE), p["conv1.weight"], p["conv1.bias"]))
        x = conv2d(x, p["conv2.weight"], p.get("conv2.bias"))
        if "conv3.weight" in p:  # depth 2: 3 × 3 at 7 × 7, batch norm (if any) after it
            x = conv2d(leaky_relu(x), p["conv3.weight"], p.get("conv3.bias"), stride=1, padding=1)
        if "norm.weight" in p:
            x = batch_norm_eval(x, p, "norm")
        h = leaky_relu(x).reshape(x.shape[0], -1)  # NCHW order
        logit = linear(h, p["output.weight"], p["output.bias"])
    if "embed.weight" in p:
        logit = logit + (p["embed.weight"][labels] * h).sum(1, keepdims=True)
    return logit[:, 0]


# What the files must hold ---------------------------------------------------------------------

def norm_keys(name, features):
    return {f"{name}.weight": (features,), f"{name}.bias": (features,), f"{name}.running_mean": (features,),
            f"{name}.running_var": (features,), f"{name}.num_batches_tracked": ()}


def expected_generator(architecture, latent, classes, channels, depth=1):
    inputs = latent + classes
    if architecture == "mlp":
        return mlp_keys(mlp_widths("generator", depth, inputs))
    c = channels
    keys = {"project.weight": (2 * c * 49, inputs), **norm_keys("project_norm", 2 * c),
            "up1.weight": (2 * c, c, 4, 4), **norm_keys("up1_norm", c),
            "up2.weight": (c, 1, 4, 4), "up2.bias": (1,)}
    if depth == 3:
        keys.update({"refine.weight": (c, c, 3, 3), **norm_keys("refine_norm", c)})
    return keys


def expected_discriminator(architecture, classes, channels, norm, depth=1):
    if architecture == "mlp":
        keys = mlp_keys(mlp_widths("discriminator", depth))
        features = MLP_HIDDEN
    else:
        c = channels
        features = 2 * c * 49
        keys = {"conv1.weight": (c, 1, 4, 4), "conv1.bias": (c,), "conv2.weight": (2 * c, c, 4, 4),
                **(norm_keys("norm", 2 * c) if norm else {}),
                "output.weight": (1, features), "output.bias": (1,)}
        last = "conv3" if depth >= 2 else "conv2"  # the convolution batch norm follows
        if depth >= 2:
            keys.update({"conv2.bias": (2 * c,), "conv3.weight": (2 * c, 2 * c, 3, 3)})
        if not norm:
            keys[f"{last}.bias"] = (2 * c,)
    if classes:
        keys["embed.weight"] = (classes, features)
    return keys


def layout_problems(what, tensors, expected):
    """Every missing or unexpected key, wrong shape and wrong dtype, in words."""
    problems = []
    for key in sorted(set(expected) - set(tensors)):
        problems.append(f"{what}: missing {key} {list(expected[key])}")
    for key in sorted(set(tensors) - set(expected)):
        problems.append(f"{what}: unexpected {key} {list(tensors[key].shape)}")
    for key in sorted(set(tensors) & set(expected)):
        t = tensors[key]
        if tuple(t.shape) != expected[key]:
            problems.append(f"{what}: {key} has shape {list(t.shape)}, expected {list(expected[key])}")
        dtype = np.int64 if key.endswith("num_batches_tracked") else np.float32
        if t.dtype != dtype:
            problems.append(f"{what}: {key} is {t.dtype}, expected {np.dtype(dtype)}")
        elif dtype == np.float32 and not np.all(np.isfinite(t)):
            problems.append(f"{what}: {key} holds non-finite values")
    return problems


def metadata_problems(what, metadata, want):
    problems = []
    for key, value in want.items():
        if metadata.get(key) != value:
            problems.append(f"{what}: __metadata__[{key!r}] is {metadata.get(key)!r}, expected {value!r}")
    return problems


def read(path):
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata() or {}
    return {k: v for k, v in load_file(path).items()}, metadata


def floats(path, columns):
    values = np.fromfile(path, dtype="<f4").astype(np.float64)
    if values.size % columns:
        raise ValueError(f"{path}: {values.size} values, not a multiple of {columns}")
    return values.reshape(-1, columns)


def labels_of(path, count, classes):
    if not classes:
        return None
    labels = np.fromfile(path, dtype=np.uint8).astype(np.int64)
    if labels.size != count:
        raise ValueError(f"{path}: {labels.size} labels for {count} rows")
    return labels


def worst(a, b):
    """Max abs difference, and where."""
    diff = np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))
    index = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return float(diff[index]), [int(i) for i in index]


def worst_score(ours, theirs):
    """Max difference of D's outputs, relative where they exceed 1: a WGAN-GP critic's scores
    grow past 10 within a few steps, where float32 itself rounds by more than 1e-6."""
    ours, theirs = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    diff = np.abs(ours - theirs) / np.maximum(1.0, np.abs(ours))
    index = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return float(diff[index]), [int(i) for i in index]


def up64(tensors):
    return {k: v.astype(np.float64) if v.dtype == np.float32 else v for k, v in tensors.items()}


# Commands -------------------------------------------------------------------------------------

def check(args):
    d = args.dir
    case = json.load(open(os.path.join(d, "case.json")))
    architecture, classes = case["architecture"], int(case["classes"])
    g, g_meta = read(os.path.join(d, "generator.safetensors"))
    dsc, d_meta = read(os.path.join(d, "discriminator.safetensors"))
    latent = int(case.get("latent_dim", 100))
    channels = g["up1_norm.weight"].shape[0] if "up1_norm.weight" in g else DCGAN_CHANNELS
    want = {"format": "pt", "producer": "webgan", "layout": "pytorch", "architecture": architecture,
            "latent_dim": str(latent), "classes": str(classes)}
    problems = metadata_problems("generator", g_meta, want) + metadata_problems("discriminator", d_meta, want)
    depth = int(case.get("depth", 1))
    layout = layout_problems("generator", g, expected_generator(architecture, latent, classes, channels, depth))
    layout += layout_problems("discriminator", dsc,
                              expected_discriminator(architecture, classes, channels, case.get("critic_norm", False), depth))
    problems += layout
    result = {"architecture": architecture, "classes": classes, "latent_dim": latent,
              "generator_keys": sorted(g), "discriminator_keys": sorted(dsc),
              "generator_metadata": g_meta, "discriminator_metadata": d_meta}
    if not layout:  # the numbers are worth comparing even when the metadata is off
        z = floats(os.path.join(d, "z.f32"), latent)
        labels = labels_of(os.path.join(d, "labels.u8"), len(z), classes)
        ours = generator_forward(up64(g), z, labels, classes)
        theirs = floats(os.path.join(d, "webgan_generated.f32"), PIXELS)
        if theirs.shape != ours.shape:
            problems.append(f"generate_floats gave {list(theirs.shape)} values, expected {list(ours.shape)}")
        else:
            error, where = worst(ours, theirs)
            result.update(generator_max_error=error, generator_worst=where, generator_std=float(ours.std()))
            if error > args.tolerance:
                r, col = where
                problems.append(f"generator: max |numpy − WebGAN| = {error:.3g} at image {r} pixel {col} "
                                f"(numpy {ours[r, col]:.6f}, WebGAN {theirs[r, col]:.6f})")
        pixels = np.fromfile(os.path.join(d, "images.u8"), dtype=np.uint8).reshape(-1, PIXELS)
        images = pixels.astype(np.float64) / 127.5 - 1.0
        image_labels = labels_of(os.path.join(d, "image_labels.u8"), len(images), classes)
        logits = discriminator_logits(up64(dsc), images, image_labels)
        scores = sigmoid(logits) if case["scores"] == "probability" else logits
        theirs = np.fromfile(os.path.join(d, "webgan_scores.f32"), dtype="<f4").astype(np.float64)
        if theirs.shape != scores.shape:
            problems.append(f"discriminate gave {theirs.size} scores, expected {scores.size}")
        else:
            error, [i] = worst_score(scores, theirs)
            result.update(discriminator_max_error=error, discriminator_scores=case["scores"],
                          logit_range=[float(logits.min()), float(logits.max())])
            if error > args.tolerance:
                problems.append(f"discriminator: max |numpy − WebGAN| / max(1, |numpy|) = {error:.3g} at image {i} "
                                f"(numpy {case['scores']} {scores[i]:.6f} from logit {logits[i]:.6f}, "
                                f"WebGAN {theirs[i]:.6f})")
    return result, problems


def write(args):
    """A random PyTorch-layout generator and discriminator, a z, labels and images for them,
    and the outputs they must give."""
    rng = np.random.default_rng(args.seed)
    classes, latent, c = args.classes, args.latent, args.channels
    inputs = latent + classes
    z = rng.standard_normal((args.count, latent)).astype(np.float32)
    labels = rng.integers(0, CLASSES, args.count) if classes else None
    x = generator_input(z.astype(np.float64), labels, classes)

    def uniform(shape, fan_in):  # nn.Linear's and nn.Conv2d's default initialisation
        bound = 1 / np.sqrt(fan_in)
        return rng.uniform(-bound, bound, shape)

    def norm(name, pre):
        """Batch norm as training leaves it: running statistics near `pre`'s, varied scales."""
        axes, features = (0, 2, 3), pre.shape[1]
        return {f"{name}.weight": rng.uniform(0.5, 1.5, features), f"{name}.bias": rng.normal(0, 0.2, features),
                f"{name}.running_mean": pre.mean(axes) + rng.normal(0, 0.1, features) * pre.std(axes),
                f"{name}.running_var": pre.var(axes) * rng.uniform(0.7, 1.4, features),
                f"{name}.num_batches_tracked": np.array(1000 + args.seed, dtype=np.int64)}

    def mlp(widths):  # nn.Sequential's linear layers, initialised as nn.Linear does
        layers = {}
        for name, shape in mlp_keys(widths).items():
            layers[name] = uniform(shape, shape[-1] if name.endswith("weight") else widths[int(name.split(".")[1]) // 2])
        return layers

    if args.architecture == "mlp":
        g = mlp(mlp_widths("generator", args.depth, inputs))
    else:
        g = {"project.weight": uniform((2 * c * 49, inputs), inputs)}
        pre = linear(x, g["project.weight"]).reshape(-1, 2 * c, 7, 7)
        g.update(norm("project_norm", pre))
        g["up1.weight"] = uniform((2 * c, c, 4, 4), c * 16)
        h = conv_transpose2d(relu(batch_norm_eval(pre, g, "project_norm")), g["up1.weight"])
        g.update(norm("up1_norm", h))
        if args.depth == 3:
            g["refine.weight"] = uniform((c, c, 3, 3), c * 9)
            g.update(norm("refine_norm", conv2d(relu(batch_norm_eval(h, g, "up1_norm")), g["refine.weight"], stride=1, padding=1)))
        g["up2.weight"] = uniform((c, 1, 4, 4), 16)
        g["up2.bias"] = uniform(1, 16)
    g = {k: v if v.dtype == np.int64 else v.astype(np.float32) for k, v in g.items()}
    # What WebGAN computes from: the float32 weights and noise.
    generated = generator_forward(up64(g), z.astype(np.float64), labels, classes)

    # D's images: these digits as grey bytes, and as many of uniform noise.
    fakes = np.clip(np.round((generated + 1) * 127.5), 0, 255).astype(np.uint8)
    pixels = np.concatenate([fakes, rng.integers(0, 256, fakes.shape, dtype=np.uint8)])
    image_labels = rng.integers(0, CLASSES, len(pixels)) if classes else None
    images = pixels.astype(np.float64) / 127.5 - 1
    features = MLP_HIDDEN if args.architecture == "mlp" else 2 * c * 49
    if args.architecture == "mlp":
        dsc = mlp(mlp_widths("discriminator", args.depth))
    else:
        dsc = {"conv1.weight": uniform((c, 1, 4, 4), 16), "conv1.bias": uniform(c, 16),
               "conv2.weight": uniform((2 * c, c, 4, 4), c * 16),
               "output.weight": uniform((1, features), features), "output.bias": uniform(1, features)}
        last = "conv2"
        if args.depth >= 2:
            dsc["conv2.bias"] = uniform(2 * c, c * 16)
            dsc["conv3.weight"] = uniform((2 * c, 2 * c, 3, 3), 2 * c * 9)
            last = "conv3"
        if args.critic_norm:
            h = leaky_relu(conv2d(images.reshape(-1, 1, SIDE, SIDE), dsc["conv1.weight"], dsc["conv1.bias"]))
            pre = conv2d(h, dsc["conv2.weight"], dsc.get("conv2.bias"))
            if args.depth >= 2:
                pre = conv2d(leaky_relu(pre), dsc["conv3.weight"], stride=1, padding=1)
            dsc.update(norm("norm", pre))
        else:
            dsc[f"{last}.bias"] = uniform(2 * c, dsc[f"{last}.weight"][0].size)
    if classes:
        dsc["embed.weight"] = rng.normal(0, 1 / np.sqrt(features), (CLASSES, features))
    dsc = {k: v if v.dtype == np.int64 else v.astype(np.float32) for k, v in dsc.items()}
    logits = discriminator_logits(up64(dsc), images, image_labels)

    os.makedirs(args.dir, exist_ok=True)
    # A conditional network says so, as docs/pytorch.md asks; an unconditional MLP has no
    # metadata at all, an unconditional DCGAN only what transformers-style savers add.
    metadata = {"classes": str(classes)} if classes else ({"format": "pt"} if args.architecture == "dcgan" else None)
    save_file(g, os.path.join(args.dir, "generator.safetensors"), metadata=metadata)
    save_file(dsc, os.path.join(args.dir, "discriminator.safetensors"), metadata=metadata)
    write_inputs(args.dir, z, labels, pixels, image_labels, generated, logits)
    result = {"architecture": args.architecture, "classes": classes, "latent_dim": latent, "count": args.count,
              "generator_keys": sorted(g), "discriminator_keys": sorted(dsc),
              "generated_std": float(generated.std()), "saturated": float(np.mean(np.abs(generated) > 0.999)),
              "logit_range": [float(logits.min()), float(logits.max())]}
    return result, []


def write_inputs(d, z, labels, pixels, image_labels, generated, logits):
    """The inputs WebGAN is given, and the float64 outputs it must reproduce."""
    os.makedirs(d, exist_ok=True)
    np.asarray(z, "<f4").tofile(os.path.join(d, "z.f32"))
    np.asarray(pixels, np.uint8).tofile(os.path.join(d, "images.u8"))
    if labels is not None:
        np.asarray(labels, np.uint8).tofile(os.path.join(d, "labels.u8"))
        np.asarray(image_labels, np.uint8).tofile(os.path.join(d, "image_labels.u8"))
    np.save(os.path.join(d, "expected_generated.npy"), generated)
    np.save(os.path.join(d, "expected_logits.npy"), logits)


def compare(args):
    """WebGAN's outputs on `write`'s files: webgan_generated.f32 (Generator.load),
    webgan_trainer_generated.f32 and webgan_scores.f32 (GanTrainer.create with both files),
    those that are there."""
    d = args.dir
    generated = np.load(os.path.join(d, "expected_generated.npy"))
    logits = np.load(os.path.join(d, "expected_logits.npy"))
    result, problems = {"generated_std": float(generated.std())}, []
    for name, what in [("webgan_generated.f32", "Generator.load"), ("webgan_trainer_generated.f32", "GanTrainer.create")]:
        path = os.path.join(d, name)
        if not os.path.exists(path):
            continue
        theirs = floats(path, PIXELS)
        key = f"{name[:-4]}_max_error"
        if theirs.shape != generated.shape:
            problems.append(f"{what}: generate_floats gave {list(theirs.shape)} values, expected {list(generated.shape)}")
            continue
        error, (r, col) = worst(generated, theirs)
        result[key] = error
        if error > args.tolerance:
            problems.append(f"{what}: generator max |numpy − WebGAN| = {error:.3g} at image {r} pixel {col} "
                            f"(numpy {generated[r, col]:.6f}, WebGAN {theirs[r, col]:.6f})")
    path = os.path.join(d, "webgan_scores.f32")
    if os.path.exists(path):
        scores = sigmoid(logits) if args.scores == "probability" else logits
        theirs = np.fromfile(path, dtype="<f4").astype(np.float64)
        if theirs.shape != scores.shape:
            problems.append(f"discriminate gave {theirs.size} scores, expected {scores.size}")
        else:
            error, [i] = worst_score(scores, theirs)
            result.update(discriminator_max_error=error, discriminator_scores=args.scores,
                          logit_range=[float(logits.min()), float(logits.max())])
            if error > args.tolerance:
                problems.append(f"GanTrainer.create: discriminator max |numpy − WebGAN| / max(1, |numpy|) = {error:.3g} at image {i} "
                                f"(numpy {args.scores} {scores[i]:.6f} from logit {logits[i]:.6f}, WebGAN {theirs[i]:.6f})")
    return result, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("check", "write", "compare"):
        sub = commands.add_parser(name)
        sub.add_argument("dir")
        sub.add_argument("--tolerance", type=float, default=1e-5)
        if name == "write":
            sub.add_argument("--architecture", choices=["mlp", "dcgan"], required=True)
            sub.add_argument("--classes", type=int, choices=[0, CLASSES], default=0)
            sub.add_argument("--latent", type=int, default=100)
            sub.add_argument("--channels", type=int, default=DCGAN_CHANNELS)
            sub.add_argument("--count", type=int, default=16)
            sub.add_argument("--seed", type=int, default=1)
            sub.add_argument("--depth", type=int, choices=[1, 2, 3], default=1, help="MLP: hidden layers per network (1 or 2); DCGAN: 2 adds D's conv3, 3 G's refine too")
            sub.add_argument("--critic-norm", type=int, choices=[0, 1], default=1,
                             help="DCGAN: D with batch norm (BCE without R1), else conv2 has a bias")
        if name == "compare":
            sub.add_argument("--scores", choices=["probability", "logit"], default="probability",
                             help="what WebGAN's discriminate returns: σ(logit) with BCE, the logit with WGAN-GP")
    args = parser.parse_args()
    result, problems = {"check": check, "write": write, "compare": compare}[args.command](args)
    result["problems"] = problems
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    print("RESULT " + json.dumps(result))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
