#!/usr/bin/env python3
"""Builds the CLIP parity fixtures under Tests/Fixtures/clip/.

Two tiny, randomly initialized transformers CLIPModels (one quick_gelu in
float32 with a proper eos_token_id, one gelu stored in float16 with the legacy
eos_token_id 2) are saved as model folders with CLIP's real BPE vocabulary,
trimmed to its first MERGES merges. Reference token ids, preprocessed pixels
and normalized image/text embeddings come from transformers itself
(CLIPTokenizer, CLIPImageProcessorPil, CLIPModel), so the Swift tests compare
against the reference implementation without needing Python.

Needs: pip install 'torch==2.13.0+cpu' transformers pillow safetensors, and
the open-clip-torch wheel for the vocabulary:
    pip download --no-deps open-clip-torch -d /tmp/oc
    python3 Tools/make_clip_fixtures.py --open-clip-wheel /tmp/oc/open_clip_torch-*.whl

With --full-size DIR it instead writes, outside the repository, one random
model at transformers' default ViT-B/32 size with CLIP's complete vocabulary
(49,408 tokens, legacy eos_token_id 2 as OpenAI's published config), 512x512
and non-square images and the same reference files; the Swift test
testFullSizeModelMatchesTransformers runs against it when
FINEXL_CLIP_FULL_FIXTURES=DIR is set (600 MB, so it is not committed).
"""
import argparse
import glob
import gzip
import io
import json
import os
import shutil
import zipfile

import numpy as np
import torch
from PIL import Image
from transformers import CLIPConfig, CLIPModel, CLIPTokenizer
from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

MERGES = 4000
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "clip")

TEXTS = [
    "a photo of a house",
    "a photo of a house, warm tones",
    "A PAINTING   of\tthe Sea!!! Don't stop — naïve café, 3 cats & 42 dogs… 東京 ☕",
    "it's what we'll do, they've said; I'm sure you'd agree",
    "",
    "a very " * 60 + "long prompt that cannot fit",
]


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def clip_vocabulary(wheel, merge_count=None):
    """vocab and merges as CLIP's SimpleTokenizer builds them, with fewer merges."""
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read("open_clip/bpe_simple_vocab_16e6.txt.gz")
    lines = gzip.decompress(data).decode("utf-8").split("\n")
    merges = [tuple(line.split()) for line in lines[1:1 + (merge_count or MERGES)]]
    symbols = bytes_to_unicode()
    vocab = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    return {token: i for i, token in enumerate(vocab)}, merges


def randomize(model, generator):
    """Weights far from the init so that every parameter matters."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=generator))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=generator))
            elif "embedding" in name:
                p.copy_(0.5 * torch.randn(p.shape, generator=generator))
            elif p.dim() >= 2:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=generator) / fan_in ** 0.5)


def make_images(shapes):
    """Smooth gradients plus noise: 8-bit, several shapes (height, width)."""
    rng = np.random.default_rng(7)
    images = {}
    for name, (h, w) in shapes.items():
        y, x = np.mgrid[0:h, 0:w]
        base = np.stack([x / w * 255, y / h * 255, (x + y) / (w + h) * 255], axis=-1)
        noisy = base + rng.normal(0, 40, size=base.shape)
        images[name] = np.clip(np.round(noisy), 0, 255).astype(np.uint8)
    return images


def write_model(folder, config, dtype, vocab, merges, preprocessor, seed):
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = CLIPModel(config).eval()
    randomize(model, generator)
    if dtype == torch.float16:
        # References use exactly the weights the file holds.
        model = model.half().float()
    os.makedirs(folder, exist_ok=True)
    model.to(dtype).save_pretrained(folder, safe_serialization=True)
    model = model.float()
    for leftover in ("generation_config.json",):
        path = os.path.join(folder, leftover)
        if os.path.exists(path):
            os.remove(path)
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n")
    with open(os.path.join(folder, "preprocessor_config.json"), "w") as f:
        json.dump(preprocessor, f, indent=2)
    return model


def normalized(t):
    return torch.nn.functional.normalize(t, dim=-1).numpy().astype(np.float32)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--open-clip-wheel", default=None)
    parser.add_argument("--full-size", default=None, metavar="DIR")
    args = parser.parse_args()
    wheel = args.open_clip_wheel or sorted(glob.glob("/tmp/oc/open_clip_torch-*.whl"))[-1]
    out = args.full_size or OUT
    vocab, merges = clip_vocabulary(wheel, 49152 - 256 - 2 if args.full_size else None)
    end_id = vocab["<|endoftext|>"]
    start_id = vocab["<|startoftext|>"]

    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "images"))
    if args.full_size:
        shapes = {"square512": (512, 512), "wide300x451": (300, 451), "exact224": (224, 224)}
    else:
        shapes = {"square40": (40, 40), "wide40x56": (40, 56), "big70x90": (90, 70), "small23x31": (23, 31)}
    images = make_images(shapes)
    for name, pixels in images.items():
        Image.fromarray(pixels).save(os.path.join(out, "images", name + ".png"))
        # Raw bytes as float32 rows (H × 3W) so tests need no PNG decoder.
        np.save(os.path.join(out, "images", name + ".pixels.npy"),
                pixels.reshape(pixels.shape[0], -1).astype(np.float32))

    models = {
        "quickgelu-fp32": dict(
            dtype=torch.float32, seed=1,
            config=CLIPConfig(
                text_config=dict(vocab_size=len(vocab), hidden_size=40, intermediate_size=84,
                                 num_hidden_layers=2, num_attention_heads=2, max_position_embeddings=77,
                                 hidden_act="quick_gelu", eos_token_id=end_id, bos_token_id=start_id,
                                 pad_token_id=end_id, projection_dim=7),
                vision_config=dict(hidden_size=48, intermediate_size=100, num_hidden_layers=2,
                                   num_attention_heads=3, image_size=40, patch_size=8,
                                   hidden_act="quick_gelu", projection_dim=7),
                projection_dim=24),
            preprocessor={"crop_size": {"height": 40, "width": 40}, "do_center_crop": True,
                          "do_normalize": True, "do_rescale": True, "do_resize": True,
                          "image_processor_type": "CLIPImageProcessor", "resample": 3,
                          "rescale_factor": 1 / 255, "size": {"shortest_edge": 40},
                          "image_mean": [0.48145466, 0.4578275, 0.40821073],
                          "image_std": [0.26862954, 0.26130258, 0.27577711]}),
        "gelu-fp16": dict(
            dtype=torch.float16, seed=2,
            config=CLIPConfig(
                text_config=dict(vocab_size=len(vocab), hidden_size=32, intermediate_size=64,
                                 num_hidden_layers=2, num_attention_heads=4, max_position_embeddings=77,
                                 hidden_act="gelu", eos_token_id=2, bos_token_id=0, pad_token_id=1),
                vision_config=dict(hidden_size=36, intermediate_size=70, num_hidden_layers=3,
                                   num_attention_heads=4, image_size=36, patch_size=12, hidden_act="gelu"),
                projection_dim=20),
            preprocessor={"crop_size": 36, "size": 36, "image_mean": [0.5, 0.4, 0.3],
                          "image_std": [0.2, 0.25, 0.3], "resample": 3}),
    }

    if args.full_size:
        models = {"vit-b-32": dict(dtype=torch.float32, seed=5, config=CLIPConfig(text_config=dict(eos_token_id=2)),
                                   preprocessor={"crop_size": 224, "size": 224, "resample": 3})}

    reference = {"texts": TEXTS, "images": list(images), "models": {}}
    for name, spec in models.items():
        folder = os.path.join(out, name)
        model = write_model(folder, spec["config"], spec["dtype"], vocab, merges, spec["preprocessor"], spec["seed"])
        tokenizer = CLIPTokenizer.from_pretrained(folder)
        processor = CLIPImageProcessorPil.from_pretrained(folder)
        encoded = [tokenizer(t, truncation=True, max_length=77)["input_ids"] for t in TEXTS]
        padded = tokenizer(TEXTS, truncation=True, max_length=77, padding="max_length", return_tensors="pt")
        pixel_values = processor([Image.fromarray(images[k]) for k in images], return_tensors="pt")["pixel_values"]
        with torch.no_grad():
            vision = model.vision_model(pixel_values=pixel_values)
            image_embeds = model.visual_projection(vision.pooler_output)
            text = model.text_model(input_ids=padded["input_ids"], attention_mask=padded["attention_mask"])
            text_embeds = model.text_projection(text.pooler_output)
        ref_dir = os.path.join(out, "reference-" + name)
        os.makedirs(ref_dir)
        np.save(os.path.join(ref_dir, "image_embeds.npy"), normalized(image_embeds))
        np.save(os.path.join(ref_dir, "text_embeds.npy"), normalized(text_embeds))
        for i, key in enumerate(images):
            np.save(os.path.join(ref_dir, key + ".pixel_values.npy"),
                    pixel_values[i].reshape(pixel_values.shape[1], -1).numpy().astype(np.float32))
        reference["models"][name] = {"token_ids": encoded, "projection_dim": spec["config"].projection_dim}
        print(name, "image", tuple(image_embeds.shape), "text", tuple(text_embeds.shape))
    with open(os.path.join(out, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
