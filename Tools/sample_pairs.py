#!/usr/bin/env python3
"""Sample a base model and its personalized version with the same prompts and seeds.

The paper's step 1 (Wang & Gao, arXiv 2511.01932): FineXL explains a personalized
text-to-image model by comparing its images with its base model's, pair by pair, where
a pair shares its prompt and its seed. This script makes those pairs with diffusers:

    OUT/base/0001.png ...        the base model
    OUT/personal/0001.png ...    the personalized model (a LoRA on the base, or a second model)
    OUT/manifest.json            prompts, seeds, models, LoRA scale, sampler settings, versions

`finexl explain --base OUT/base --personal OUT/personal` and notebooks read the manifest's
prompts for concept mapping (paper Eq. 6). The manifest keeps the layout `finexl synth`
writes (schema "finexl.synth/1", a "pairs" list of name, prompt and seed) and adds fields.

Examples:
    python3 Tools/sample_pairs.py --base stable-diffusion-v1-5/stable-diffusion-v1-5 \
        --lora my_style.safetensors --out samples --count 40
    python3 Tools/sample_pairs.py --base stabilityai/stable-diffusion-xl-base-1.0 \
        --lora ./lora-folder --lora-scale 0.8 --out samples --steps 30
    python3 Tools/sample_pairs.py --base org/base-model --personal org/fine-tuned --out samples

Pair i (counted from 0) uses prompt i modulo the number of prompts and seed --seed + i; its
starting noise comes from a CPU torch.Generator, so a seed gives the same noise on any
device and in any batch. A run that stops can be started again with the same arguments:
images already written (each is written whole, under a temporary name first) are kept.

Needs: pip install torch diffusers transformers (and peft for --lora; accelerate for --cpu-offload).
"""

import argparse
import datetime
import gc
import hashlib
import importlib.metadata
import inspect
import json
import os
import sys
import tempfile
import warnings

MANIFEST_SCHEMA = "finexl.synth/1"
TOOL = "Tools/sample_pairs.py"

# Built-in prompts: plain subjects in plain settings, no style words, so that the style a
# personalization adds is what differs between the two models. 10 subjects x 5 settings.
SUBJECTS = [
    "a portrait of a young woman",
    "an old fisherman mending a net",
    "a red fox in tall grass",
    "a lighthouse on a rocky coast",
    "a bowl of fruit on a wooden table",
    "a vintage car parked on a street",
    "a cat sleeping on a windowsill",
    "a mountain lake with pine trees",
    "a cup of coffee next to an open book",
    "a small village church",
]
SETTINGS = [
    "in the morning light",
    "on a rainy afternoon",
    "at dusk",
    "in winter snow",
    "on a foggy day",
]


def builtin_prompts():
    """The 50 subject-setting combinations, ordered so that neighbouring prompts differ in both."""
    prompts = []
    for k in range(len(SUBJECTS) * len(SETTINGS)):
        subject = SUBJECTS[k % len(SUBJECTS)]
        # k = 10a + b gives subject b with setting (a + b) mod 5: every combination once.
        setting = SETTINGS[(k // len(SUBJECTS) + k) % len(SETTINGS)]
        prompts.append(f"{subject}, {setting}")
    return prompts


class UsageError(Exception):
    """A problem with the user's input or setup, printed as one `error:` line."""


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def note(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- arguments

def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="sample_pairs.py",
        description="Sample a base and a personalized text-to-image model with the same prompts and seeds, "
                    "for `finexl explain`.",
        epilog="Writes OUT/base/NNNN.png, OUT/personal/NNNN.png and OUT/manifest.json.")
    parser.add_argument("--base", required=True, metavar="MODEL",
                        help="base model: a Hugging Face id (ORG/NAME, optionally @REVISION) or a diffusers folder")
    personal = parser.add_mutually_exclusive_group(required=True)
    personal.add_argument("--lora", metavar="PATH",
                          help="LoRA weights on top of the base: a .safetensors file, a folder, or a Hugging Face id")
    personal.add_argument("--personal", metavar="MODEL",
                          help="personalized model: a second model id or diffusers folder (a fine-tune, DreamBooth)")
    parser.add_argument("--lora-scale", type=float, default=1.0, help="strength of the LoRA (default 1.0)")
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    parser.add_argument("--prompts", metavar="FILE",
                        help="prompts, one a line (blank lines and lines starting with # are skipped); "
                             "default: 50 built-in varied prompts")
    parser.add_argument("--count", type=int, default=40, help="number of image pairs (default 40)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first pair; pair i uses seed + i (default 1)")
    parser.add_argument("--steps", type=int, help="denoising steps (default: the pipeline's)")
    parser.add_argument("--guidance", type=float, help="classifier-free guidance scale (default: the pipeline's)")
    parser.add_argument("--size", metavar="N|WxH", help="image size in pixels, e.g. 512 or 768x512 (default: the model's)")
    parser.add_argument("--negative-prompt", metavar="TEXT", help="negative prompt for every image")
    parser.add_argument("--scheduler", metavar="NAME",
                        help="a diffusers scheduler class, e.g. EulerDiscreteScheduler (default: the model's)")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda", "mps"],
                        help="where to run (default: cuda, else mps, else cpu)")
    parser.add_argument("--dtype", default="auto", choices=["auto", "float32", "float16", "bfloat16"],
                        help="weights' precision (default: float16 on cuda and mps, float32 on cpu)")
    parser.add_argument("--batch-size", type=int, default=1, help="images per pipeline call (default 1)")
    parser.add_argument("--cpu-offload", action="store_true",
                        help="keep only the running part of the model on the GPU (needs accelerate)")
    args = parser.parse_args(argv)

    if not 1 <= args.count <= 100_000:
        parser.error("--count must be between 1 and 100000")
    if not 0 <= args.seed < 2**63 - 100_000:
        parser.error("--seed must be between 0 and 2^63 - 100001")
    if args.steps is not None and args.steps < 1:
        parser.error("--steps must be at least 1")
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    args.width, args.height = parse_size(parser, args.size)
    if args.personal is None and args.lora is None:
        parser.error("give --lora PATH or --personal MODEL")
    if args.personal is not None and args.lora_scale != 1.0:
        parser.error("--lora-scale applies only with --lora")
    return args


def parse_size(parser, text):
    if text is None:
        return None, None
    parts = text.lower().split("x")
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        parser.error(f"--size must be N or WxH, got {text!r}")
    if len(numbers) == 1:
        numbers = numbers * 2
    if len(numbers) != 2 or min(numbers) < 8 or max(numbers) > 8192 or any(n % 8 for n in numbers):
        parser.error(f"--size must be N or WxH with sides that are multiples of 8 between 8 and 8192, got {text!r}")
    return numbers[0], numbers[1]


def read_prompts(path):
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise UsageError(f"cannot read prompts file {path}: {error.strerror or error}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UsageError(f"prompts file {path} is not UTF-8 text (byte {error.start})")
    prompts = [line.strip() for line in text.splitlines()]
    prompts = [line for line in prompts if line and not line.startswith("#")]
    if not prompts:
        raise UsageError(f"prompts file {path} holds no prompts")
    return prompts


def split_revision(model):
    """`ORG/NAME@REV` -> (`ORG/NAME`, `REV`); a path that exists is never split."""
    if os.path.exists(model) or "@" not in model:
        return model, None
    name, _, revision = model.rpartition("@")
    return name, revision or None


# ---------------------------------------------------------------- the plan and the manifest

def planned_pairs(prompts, count, seed):
    return [{"name": f"{i + 1:04d}", "prompt": prompts[i % len(prompts)], "seed": seed + i} for i in range(count)]


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def lora_file(path):
    """The weights file a local LoRA path stands for (a file, or the one .safetensors in a folder), else None."""
    if os.path.isfile(path):
        return path
    if os.path.isdir(path):
        default = os.path.join(path, "pytorch_lora_weights.safetensors")
        if os.path.isfile(default):
            return default
        candidates = sorted(name for name in os.listdir(path) if name.endswith(".safetensors"))
        if len(candidates) == 1:
            return os.path.join(path, candidates[0])
        if not candidates:
            raise UsageError(f"LoRA folder {path} holds no .safetensors file")
        raise UsageError(f"LoRA folder {path} holds several .safetensors files ({', '.join(candidates)}); "
                         "name one with --lora FILE")
    return None


def model_record(args):
    """What identifies the two models; a resumed run must match it."""
    base, base_revision = split_revision(args.base)
    record = {"base": {"model": base, "revision": base_revision}}
    if args.lora is not None:
        weights = lora_file(args.lora)
        if weights is None:
            name, revision = split_revision(args.lora)
            record["personal"] = {"lora": name, "revision": revision, "loraScale": args.lora_scale}
        else:
            record["personal"] = {"lora": args.lora, "loraFile": os.path.basename(weights),
                                  "sha256": sha256_of(weights), "loraScale": args.lora_scale}
    else:
        personal, personal_revision = split_revision(args.personal)
        record["personal"] = {"model": personal, "revision": personal_revision}
    return record


def same_models(old, new):
    """Models match when ids match, and a local LoRA by its content (it may have moved)."""
    if old.get("base") != new.get("base"):
        return False
    a, b = dict(old.get("personal", {})), dict(new.get("personal", {}))
    if "sha256" in a and "sha256" in b:
        a.pop("lora", None)
        b.pop("lora", None)
    return a == b


def load_manifest(path):
    try:
        with open(path, "rb") as handle:
            manifest = json.loads(handle.read().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"{path} exists but cannot be read as JSON ({error}); move it away or use another --out")
    if not isinstance(manifest, dict) or manifest.get("schema") != MANIFEST_SCHEMA \
            or not isinstance(manifest.get("pairs"), list):
        raise UsageError(f"{path} is not a FineXL manifest (schema {MANIFEST_SCHEMA}); use another --out")
    if manifest.get("tool") != TOOL:
        raise UsageError(f"{path} was not written by {TOOL} (a `finexl synth` folder?); use another --out")
    return manifest


def merge_plan(manifest_path, manifest, models, sampler, plan):
    """The pairs of this run after checking them against an earlier run's manifest."""
    if manifest is None:
        return plan
    if not same_models(manifest.get("models", {}), models):
        raise UsageError(f"{manifest_path} was written for other models ({json.dumps(manifest.get('models'))}); "
                         "use another --out for these")
    old_sampler = manifest.get("sampler", {})
    differing = [key for key in sorted(set(old_sampler) | set(sampler)) if old_sampler.get(key) != sampler.get(key)]
    if differing:
        details = ", ".join(f"{key} {old_sampler.get(key)!r} then, {sampler.get(key)!r} now" for key in differing)
        raise UsageError(f"{manifest_path} was written with other sampler settings ({details}); "
                         "use the same ones to resume, or another --out")
    pairs = {pair.get("name"): pair for pair in manifest["pairs"] if isinstance(pair, dict)}
    for pair in plan:
        old = pairs.get(pair["name"])
        if old is not None and (old.get("prompt") != pair["prompt"] or old.get("seed") != pair["seed"]):
            raise UsageError(f"{manifest_path}: pair {pair['name']} has prompt {old.get('prompt')!r} and seed "
                             f"{old.get('seed')}, this run would use {pair['prompt']!r} and seed {pair['seed']} "
                             "(other --prompts or --seed?); use the same ones to resume, or another --out")
        pairs[pair["name"]] = {**old, **pair} if old else pair
    return [pairs[name] for name in sorted(pairs)]


def write_atomically(path, data):
    folder = os.path.dirname(path) or "."
    handle, temporary = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as output:
            data(output) if callable(data) else output.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def write_manifest(path, manifest):
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomically(path, text.encode("utf-8"))


# ---------------------------------------------------------------- diffusers

def import_libraries():
    try:
        import torch
        import diffusers
    except ImportError as error:
        raise UsageError(f"sample_pairs.py needs PyTorch and diffusers ({error}); install them with: "
                         "pip install torch diffusers transformers peft accelerate "
                         "(for a GPU, the torch build for your CUDA: see pytorch.org)")
    return torch, diffusers


def package_version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def choose_device(torch, requested):
    cuda = torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if requested == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    if requested == "cuda" and not cuda:
        raise UsageError("--device cuda, but this PyTorch sees no CUDA GPU (torch.cuda.is_available() is False; "
                         f"torch {torch.__version__})")
    if requested == "mps" and not mps:
        raise UsageError("--device mps, but this PyTorch has no Apple MPS device")
    return requested


def choose_dtype(torch, requested, device):
    name = requested if requested != "auto" else ("float32" if device == "cpu" else "float16")
    return name, getattr(torch, name)


def load_pipeline(diffusers, model, scheduler, args, device, dtype):
    """The model's text-to-image pipeline on `device`, with `scheduler` (a class name) when given."""
    name, revision = split_revision(model)
    quiet_libraries(diffusers)
    try:
        with warnings.catch_warnings():
            # Newer diffusers call it `dtype`; `torch_dtype` is what every version since 0.20 takes.
            warnings.filterwarnings("ignore", message=".*torch_dtype.*")
            pipe = diffusers.AutoPipelineForText2Image.from_pretrained(name, revision=revision, torch_dtype=dtype)
    except Exception as error:  # diffusers raises many kinds; the user needs the model and the cause
        raise UsageError(f"cannot load model {model}: {one_line(error)}")
    if scheduler and type(pipe.scheduler).__name__ != scheduler:
        scheduler_class = getattr(diffusers, scheduler, None)
        if scheduler_class is None or not hasattr(scheduler_class, "from_config"):
            raise UsageError(f"--scheduler {scheduler} is not a diffusers scheduler class "
                             "(e.g. EulerDiscreteScheduler, DPMSolverMultistepScheduler, DDIMScheduler)")
        pipe.scheduler = scheduler_class.from_config(pipe.scheduler.config)
    if args.cpu_offload and device != "cpu":
        try:
            pipe.enable_model_cpu_offload(device=device)
        except Exception as error:
            raise UsageError(f"--cpu-offload failed ({one_line(error)}); it needs: pip install accelerate")
    else:
        pipe.to(device)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def quiet_libraries(diffusers):
    """Only errors from the libraries: this script prints its own progress, one line a batch."""
    diffusers.utils.logging.set_verbosity_error()
    diffusers.utils.logging.disable_progress_bar()
    try:
        import transformers
        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
    except (ImportError, AttributeError):
        pass


def add_lora(pipe, args):
    """Loads the LoRA into `pipe` as adapter "personal" at --lora-scale; names the file when it does not fit."""
    weights = lora_file(args.lora)
    try:
        if weights is not None:
            pipe.load_lora_weights(os.path.dirname(weights) or ".", weight_name=os.path.basename(weights),
                                   adapter_name="personal")
        else:
            name, revision = split_revision(args.lora)
            pipe.load_lora_weights(name, revision=revision, adapter_name="personal")
    except Exception as error:
        hint = ""
        if package_version("peft") is None:
            hint = "; loading a LoRA needs peft: pip install peft"
        raise UsageError(f"cannot load LoRA {weights or args.lora} into {args.base}: {one_line(error)}{hint}")
    loaded = [name for names in pipe.get_list_adapters().values() for name in names]
    if "personal" not in loaded:
        raise UsageError(f"LoRA {weights or args.lora} holds no weights that fit {args.base}")
    pipe.set_adapters(["personal"], adapter_weights=[args.lora_scale])


def one_line(error):
    text = " ".join(str(error).split())
    return (text[:400] + "…") if len(text) > 400 else text or type(error).__name__


def call_defaults(pipe):
    """The pipeline's own defaults for steps and guidance, from its __call__ signature."""
    parameters = inspect.signature(pipe.__call__).parameters
    steps = parameters.get("num_inference_steps")
    guidance = parameters.get("guidance_scale")
    return (steps.default if steps is not None and steps.default is not inspect.Parameter.empty else None,
            guidance.default if guidance is not None and guidance.default is not inspect.Parameter.empty else None)


def default_size(pipe):
    sample = getattr(pipe, "default_sample_size", None)
    for component in ("unet", "transformer"):
        if sample is None and getattr(pipe, component, None) is not None:
            sample = getattr(getattr(pipe, component).config, "sample_size", None)
    factor = getattr(pipe, "vae_scale_factor", None)
    if isinstance(sample, (list, tuple)):
        sample = sample[0]
    if not isinstance(sample, int) or not isinstance(factor, int):
        raise UsageError(f"cannot tell the default image size of {type(pipe).__name__}; give --size")
    return sample * factor, sample * factor


# ---------------------------------------------------------------- sampling

def image_paths(out, side, name):
    return os.path.join(out, side, name + ".png")


def missing_pairs(out, side, pairs):
    return [pair for pair in pairs if not os.path.isfile(image_paths(out, side, pair["name"]))]


def sample_side(pipe, torch, side, pairs, args, sampler, out, on_batch):
    """Samples `pairs` for one side, `--batch-size` at a time, each image written whole."""
    total = len(pairs)
    for start in range(0, total, args.batch_size):
        batch = pairs[start:start + args.batch_size]
        # One CPU generator per image: its noise depends on its seed only, on any device, in any batch.
        generators = [torch.Generator(device="cpu").manual_seed(pair["seed"]) for pair in batch]
        options = dict(prompt=[pair["prompt"] for pair in batch], generator=generators,
                       num_inference_steps=sampler["steps"], width=sampler["width"], height=sampler["height"],
                       output_type="pil")
        if sampler["guidance"] is not None:
            options["guidance_scale"] = sampler["guidance"]
        if sampler["negativePrompt"] is not None:
            options["negative_prompt"] = [sampler["negativePrompt"]] * len(batch)
        try:
            with torch.inference_mode():
                result = pipe(**options)
        except torch.cuda.OutOfMemoryError as error:
            raise UsageError(f"out of GPU memory sampling {side} images ({one_line(error)}); "
                             "try --batch-size 1, --cpu-offload or a smaller --size")
        flagged = getattr(result, "nsfw_content_detected", None) or [False] * len(batch)
        for pair, image, nsfw in zip(batch, result.images, flagged):
            write_atomically(image_paths(out, side, pair["name"]), lambda handle: image.save(handle, format="PNG"))
            if nsfw:
                pair.setdefault("safetyCheckerFlagged", [])
                if side not in pair["safetyCheckerFlagged"]:
                    pair["safetyCheckerFlagged"].append(side)
                note(f"warning: the pipeline's safety checker blanked {side}/{pair['name']}.png "
                     f"(prompt {pair['prompt']!r})")
        on_batch()
        note(f"{side}: {min(start + len(batch), total)}/{total}")


def run(args):
    prompts = read_prompts(args.prompts) if args.prompts else builtin_prompts()
    prompt_source = {"file": os.path.basename(args.prompts)} if args.prompts else {"builtIn": len(prompts)}
    torch, diffusers = import_libraries()
    if args.lora is not None and package_version("peft") is None:
        raise UsageError("loading a LoRA needs peft: pip install peft")
    device = choose_device(torch, args.device)
    dtype_name, dtype = choose_dtype(torch, args.dtype, device)

    out = args.out
    for folder in (out, os.path.join(out, "base"), os.path.join(out, "personal")):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as error:
            raise UsageError(f"cannot create folder {folder}: {error.strerror or error}")
    manifest_path = os.path.join(out, "manifest.json")
    earlier = load_manifest(manifest_path) if os.path.exists(manifest_path) else None
    if earlier is None:
        strays = [side for side in ("base", "personal") if any(
            name.endswith(".png") for name in os.listdir(os.path.join(out, side)))]
        if strays:
            raise UsageError(f"{os.path.join(out, strays[0])} already holds images but {manifest_path} is missing; "
                             "use an empty --out folder")

    models = model_record(args)
    plan = planned_pairs(prompts, args.count, args.seed)

    # Sampler settings: as given; else, when resuming, the earlier run's; else the base pipeline's.
    sampler = {"scheduler": args.scheduler, "steps": args.steps, "guidance": args.guidance,
               "width": args.width, "height": args.height}
    earlier_sampler = (earlier or {}).get("sampler", {})
    for key in sampler:
        if sampler[key] is None and key in earlier_sampler:
            sampler[key] = earlier_sampler[key]
    sampler["negativePrompt"] = args.negative_prompt

    base_pipe = None
    # The earlier run's pairs beyond --count are the folder's too: finished as well.
    known = plan + [pair for pair in (earlier or {}).get("pairs", []) if isinstance(pair, dict) and "name" in pair]
    base_needed = bool(missing_pairs(out, "base", known)) or (
        args.lora is not None and bool(missing_pairs(out, "personal", known)))
    if base_needed or any(sampler[key] is None for key in ("scheduler", "steps", "width")):
        note(f"loading {args.base} ({device}, {dtype_name})")
        base_pipe = load_pipeline(diffusers, args.base, sampler["scheduler"], args, device, dtype)
        steps, guidance = call_defaults(base_pipe)
        width, height = default_size(base_pipe) if sampler["width"] is None else (sampler["width"], sampler["height"])
        sampler.update(scheduler=type(base_pipe.scheduler).__name__, steps=sampler["steps"] or steps,
                       width=width, height=height)
        if sampler["guidance"] is None and "guidance" not in earlier_sampler:
            sampler["guidance"] = guidance
    if sampler["steps"] is None:
        raise UsageError(f"{args.base} has no default number of steps; give --steps")
    pairs = merge_plan(manifest_path, earlier, models, sampler, plan)

    manifest = {
        "schema": MANIFEST_SCHEMA,
        "tool": TOOL,
        "models": models,
        "sampler": sampler,
        "seed": args.seed,
        "seedRule": "pair i (from 0) uses seed + i; noise from torch.Generator('cpu').manual_seed(seed)",
        "prompts": prompt_source,
        "count": len(pairs),
        "runs": (earlier or {}).get("runs", []) + [{
            "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "device": device, "dtype": dtype_name, "batchSize": args.batch_size,
            "versions": {name: package_version(name) for name in ("diffusers", "torch", "transformers", "peft")},
        }],
        "pairs": pairs,
    }
    save = lambda: write_manifest(manifest_path, manifest)
    save()

    to_do = {side: missing_pairs(out, side, pairs) for side in ("base", "personal")}
    if not to_do["base"] and not to_do["personal"]:
        note(f"{out}: all {len(pairs)} pairs already there")
    elif len(to_do["base"]) < len(pairs) or len(to_do["personal"]) < len(pairs):
        note(f"{out}: {len(pairs) - len(to_do['base'])} base and {len(pairs) - len(to_do['personal'])} personalized "
             f"images of {len(pairs)} already there; sampling the rest")

    if to_do["base"]:
        sample_side(base_pipe, torch, "base", to_do["base"], args, sampler, out, save)
    if to_do["personal"]:
        if args.lora is not None:
            note(f"loading LoRA {args.lora} (scale {args.lora_scale})")
            add_lora(base_pipe, args)
            personal_pipe = base_pipe
        else:
            # Two full models rarely fit together on one GPU: free the base first.
            base_pipe = None
            gc.collect()
            if device == "cuda":
                torch.cuda.empty_cache()
            note(f"loading {args.personal} ({device}, {dtype_name})")
            personal_pipe = load_pipeline(diffusers, args.personal, sampler["scheduler"], args, device, dtype)
        sample_side(personal_pipe, torch, "personal", to_do["personal"], args, sampler, out, save)
    save()
    print(f"wrote {len(pairs)} pairs to {os.path.join(out, 'base')} and {os.path.join(out, 'personal')}, "
          f"manifest {manifest_path}; next: finexl explain --base {os.path.join(out, 'base')} "
          f"--personal {os.path.join(out, 'personal')}")


def main(argv=None):
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    try:
        run(args)
    except UsageError as error:
        fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted; run the same command again to resume")


if __name__ == "__main__":
    main()
