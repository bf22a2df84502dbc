#!/usr/bin/env python3
"""PyTorch's speed on the workload of `finexl bench clip` (CLIPBenchmark.run
with no model folder): transformers' CLIPModel at the default ViT-B/32 size
with random weights, float32, 2 threads, batches of 16 images (already
preprocessed 224x224 tensors: model time only) and 32 texts of 16 tokens.

    python3 Tools/bench_clip_torch.py --images 64 --texts 256
"""
import argparse
import time

import torch
from transformers import CLIPConfig, CLIPModel


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=64)
    parser.add_argument("--texts", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=16)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    a = torch.randn(1600, 768)
    b = torch.randn(768, 3072)
    best = float("inf")
    for _ in range(6):
        start = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - start)
    sgemm = 2 * 1600 * 768 * 3072 / best / 1e9

    model = CLIPModel(CLIPConfig()).eval()
    with torch.inference_mode():
        warm = torch.randn(2, 3, 224, 224)
        model.visual_projection(model.vision_model(pixel_values=warm).pooler_output)

        start = time.perf_counter()
        cpu_start = time.process_time()
        done = 0
        while done < args.images:
            count = min(args.batch, args.images - done)
            pixels = torch.randn(count, 3, 224, 224)
            embeds = model.visual_projection(model.vision_model(pixel_values=pixels).pooler_output)
            torch.nn.functional.normalize(embeds, dim=-1)
            done += count
        image_seconds = time.perf_counter() - start
        image_cpu = time.process_time() - cpu_start

        start = time.perf_counter()
        cpu_start = time.process_time()
        done = 0
        while done < args.texts:
            count = min(2 * args.batch, args.texts - done)
            ids = torch.randint(0, 49406, (count, 16))
            ids[:, 0] = 49406
            ids[:, -1] = 49407
            embeds = model.text_projection(model.text_model(input_ids=ids).pooler_output)
            torch.nn.functional.normalize(embeds, dim=-1)
            done += count
        text_seconds = time.perf_counter() - start
        text_cpu = time.process_time() - cpu_start

    print(f"PyTorch {torch.__version__}, {args.threads} threads, random ViT-B/32")
    print(f"  images: {args.images} in {image_seconds:.2f} s = {args.images / image_seconds:.1f} images/s, {image_cpu:.2f} CPU s")
    print(f"  texts:  {args.texts} of 16 tokens in {text_seconds:.2f} s = {args.texts / text_seconds:.1f} texts/s, {text_cpu:.2f} CPU s")
    print(f"  sgemm 1600x768 @ 768x3072: {sgemm:.1f} GFLOP/s")


if __name__ == "__main__":
    main()
