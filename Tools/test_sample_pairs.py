"""Offline tests of Tools/sample_pairs.py on a tiny randomly initialized Stable Diffusion pipeline.

Nothing is downloaded: the pipeline is built from configs (UNet, VAE, CLIP text model with the
tiny tokenizer of Tests/Fixtures/clip/quickgelu-fp32) and saved with save_pretrained; a LoRA
for it is made with peft, and a second model by perturbing the UNet. The script's output then
goes through the Swift binary, `finexl explain` (FINEXL_BIN, else .build/debug or .build/release).

Run:  python3 -m pytest -q Tools/test_sample_pairs.py      (or python3 -m unittest Tools/test_sample_pairs.py)
Needs: pip install torch diffusers transformers peft
"""

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "Tools", "sample_pairs.py")
TOKENIZER = os.path.join(ROOT, "Tests", "Fixtures", "clip", "quickgelu-fp32")
sys.path.insert(0, os.path.join(ROOT, "Tools"))
# Everything is local; a stray hub look-up must fail here rather than reach the network.
os.environ["HF_HUB_OFFLINE"] = "1"

import numpy  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

import sample_pairs  # noqa: E402

# Tiny models on a shared machine: one thread is several times faster than fighting for two.
torch.set_num_threads(1)
SUBPROCESS_ENV = dict(os.environ, OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1", PYTHONWARNINGS="ignore")


def build_fixtures(folder):
    """A tiny SD-1.5-shaped pipeline in folder/base, a LoRA for it in folder/lora, a perturbed copy in folder/other."""
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=32, in_channels=4, out_channels=4, layers_per_block=1, block_out_channels=(8, 16),
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=16, norm_num_groups=4, attention_head_dim=2)
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8, 16), norm_num_groups=4,
        down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2, sample_size=64)
    tokenizer = CLIPTokenizer.from_pretrained(TOKENIZER, model_max_length=77)
    text_encoder = CLIPTextModel(CLIPTextConfig(
        hidden_size=16, intermediate_size=32, num_attention_heads=2, num_hidden_layers=2, vocab_size=len(tokenizer),
        max_position_embeddings=77, bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id))
    scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                       steps_offset=1)
    pipe = StableDiffusionPipeline(unet=unet, vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
                                   scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    pipe.save_pretrained(os.path.join(folder, "base"))

    # A second model: the same pipeline with a perturbed UNet.
    shutil.copytree(os.path.join(folder, "base"), os.path.join(folder, "other"))
    other = UNet2DConditionModel.from_pretrained(os.path.join(folder, "base", "unet"))
    with torch.no_grad():
        for parameter in other.parameters():
            parameter.add_(0.05 * torch.randn_like(parameter))
    other.save_pretrained(os.path.join(folder, "other", "unet"))

    # A LoRA on the UNet's attention, with random (not zero) up-projections so that it changes images.
    unet.add_adapter(LoraConfig(r=2, lora_alpha=2, init_lora_weights=False,
                                target_modules=["to_q", "to_k", "to_v", "to_out.0"]))
    layers = convert_state_dict_to_diffusers(get_peft_model_state_dict(unet))
    StableDiffusionPipeline.save_lora_weights(os.path.join(folder, "lora"), unet_lora_layers=layers)


def build_sdxl_fixtures(folder):
    """A tiny SDXL-shaped pipeline (two text encoders, time embeddings) in folder/xl and a LoRA in folder/xl-lora."""
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, StableDiffusionXLPipeline, UNet2DConditionModel
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer

    torch.manual_seed(1)
    unet = UNet2DConditionModel(
        sample_size=32, in_channels=4, out_channels=4, layers_per_block=1, block_out_channels=(8, 16),
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=2, use_linear_projection=True, addition_embed_type="text_time", addition_time_embed_dim=8,
        projection_class_embeddings_input_dim=6 * 8 + 16, cross_attention_dim=32, norm_num_groups=4)
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8, 16), norm_num_groups=4,
        down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2, sample_size=64)
    tokenizer = CLIPTokenizer.from_pretrained(TOKENIZER, model_max_length=77)
    config = dict(hidden_size=16, intermediate_size=32, num_attention_heads=2, num_hidden_layers=2,
                  vocab_size=len(tokenizer), max_position_embeddings=77, projection_dim=16,
                  bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                  pad_token_id=tokenizer.pad_token_id)
    scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                       steps_offset=1)
    pipe = StableDiffusionXLPipeline(
        vae=vae, text_encoder=CLIPTextModel(CLIPTextConfig(**config)),
        text_encoder_2=CLIPTextModelWithProjection(CLIPTextConfig(**config)), tokenizer=tokenizer,
        tokenizer_2=tokenizer, unet=unet, scheduler=scheduler)
    pipe.save_pretrained(os.path.join(folder, "xl"))
    unet.add_adapter(LoraConfig(r=2, lora_alpha=2, init_lora_weights=False,
                                target_modules=["to_q", "to_k", "to_v", "to_out.0"]))
    layers = convert_state_dict_to_diffusers(get_peft_model_state_dict(unet))
    StableDiffusionXLPipeline.save_lora_weights(os.path.join(folder, "xl-lora"), unet_lora_layers=layers)


def finexl_binary():
    named = os.environ.get("FINEXL_BIN")
    if named:
        return named
    for build in ("debug", "release"):
        candidate = os.path.join(ROOT, ".build", build, "finexl")
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def pixels(path):
    return numpy.asarray(Image.open(path).convert("RGB"), dtype=numpy.int16)


def assert_same_sampling(actual, expected):
    """The same prompt and seed sampled again, in a batch of another size or another process:
    CPU kernels may round a few pixels differently with the batch's shape, so every pixel is
    within 2 levels and at least 99.5 % are identical; another seed differs everywhere."""
    difference = numpy.abs(actual.astype(numpy.int16) - expected.astype(numpy.int16))
    assert difference.max() <= 2, f"pixels differ by up to {difference.max()}"
    assert (difference == 0).mean() >= 0.995, f"only {(difference == 0).mean():.2%} of the pixels are identical"


class SamplePairsTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="finexl-sample-pairs-")
        build_fixtures(cls.folder)
        cls.base = os.path.join(cls.folder, "base")
        cls.lora = os.path.join(cls.folder, "lora")
        cls.lora_file = os.path.join(cls.lora, "pytorch_lora_weights.safetensors")
        # The run the other tests look at, as a user starts it: a subprocess.
        cls.out = os.path.join(cls.folder, "lora-run")
        cls.first_run = subprocess.run(
            [sys.executable, SCRIPT, "--base", cls.base, "--lora", cls.lora, "--out", cls.out,
             "--count", "4", "--steps", "2", "--size", "64", "--batch-size", "2", "--seed", "10"],
            capture_output=True, text=True, env=SUBPROCESS_ENV, timeout=600)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.folder, ignore_errors=True)

    def run_script(self, *arguments):
        """Runs the script in this process (no second torch import); returns (exit code, stderr)."""
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            try:
                sample_pairs.main(list(arguments))
                code = 0
            except SystemExit as exit:
                code = exit.code
        return code, stderr.getvalue()

    def manifest(self, out):
        with open(os.path.join(out, "manifest.json"), encoding="utf-8") as handle:
            return json.load(handle)

    # ------------------------------------------------------------ the run

    def test_first_run_writes_pairs_and_a_manifest_finexl_reads(self):
        self.assertEqual(self.first_run.returncode, 0, self.first_run.stderr)
        names = ["0001.png", "0002.png", "0003.png", "0004.png"]
        for side in ("base", "personal"):
            self.assertEqual(sorted(os.listdir(os.path.join(self.out, side))), names, side)
            for name in names:
                self.assertEqual(Image.open(os.path.join(self.out, side, name)).size, (64, 64))
        manifest = self.manifest(self.out)
        self.assertEqual(manifest["schema"], "finexl.synth/1")
        prompts = sample_pairs.builtin_prompts()
        self.assertEqual(manifest["pairs"], [
            {"name": f"{i + 1:04d}", "prompt": prompts[i], "seed": 10 + i} for i in range(4)])
        self.assertEqual(manifest["models"]["base"], {"model": self.base, "revision": None})
        personal = manifest["models"]["personal"]
        self.assertEqual(personal["lora"], self.lora)
        self.assertEqual(personal["loraScale"], 1.0)
        self.assertEqual(personal["loraFile"], "pytorch_lora_weights.safetensors")
        self.assertEqual(personal["sha256"], sample_pairs.sha256_of(self.lora_file))
        self.assertEqual(manifest["sampler"], {"scheduler": "EulerDiscreteScheduler", "steps": 2, "guidance": 7.5,
                                               "width": 64, "height": 64, "negativePrompt": None})
        run = manifest["runs"][-1]
        self.assertEqual((run["device"], run["dtype"], run["batchSize"]), ("cpu", "float32", 2))
        self.assertEqual(run["versions"]["torch"], torch.__version__)
        self.assertIsNotNone(run["versions"]["diffusers"])
        self.assertIn("finexl explain --base", self.first_run.stdout)

    def test_lora_changes_every_image(self):
        for name in ("0001.png", "0004.png"):
            difference = numpy.abs(pixels(os.path.join(self.out, "base", name))
                                   - pixels(os.path.join(self.out, "personal", name)))
            self.assertGreater(difference.mean(), 1.0, name)

    def test_lora_scale_zero_gives_the_base_images(self):
        out = os.path.join(self.folder, "scale-zero")
        code, stderr = self.run_script("--base", self.base, "--lora", self.lora_file, "--lora-scale", "0", "--out", out,
                                       "--count", "2", "--steps", "2", "--size", "64", "--seed", "10")
        self.assertEqual(code, 0, stderr)
        self.assertEqual(self.manifest(out)["models"]["personal"]["loraScale"], 0.0)
        for name in ("0001.png", "0002.png"):
            numpy.testing.assert_array_equal(pixels(os.path.join(out, "personal", name)),
                                             pixels(os.path.join(out, "base", name)))
            # Same base, prompt and seed as the first run (which ran in batches of 2, in another process).
            assert_same_sampling(pixels(os.path.join(out, "base", name)), pixels(os.path.join(self.out, "base", name)))
        # The tolerance still tells seeds apart: pairs 1 and 2 have different seeds.
        with self.assertRaises(AssertionError):
            assert_same_sampling(pixels(os.path.join(out, "base", "0001.png")), pixels(os.path.join(out, "base", "0002.png")))

    def test_second_model_folder_as_the_personalized_model(self):
        out = os.path.join(self.folder, "model-run")
        with open(os.path.join(self.folder, "prompts.txt"), "w", encoding="utf-8") as handle:
            handle.write("# my prompts\na red bicycle\n\na blue door\n")
        code, stderr = self.run_script("--base", self.base, "--personal", os.path.join(self.folder, "other"),
                                       "--out", out, "--count", "3", "--steps", "2", "--size", "64",
                                       "--prompts", os.path.join(self.folder, "prompts.txt"))
        self.assertEqual(code, 0, stderr)
        manifest = self.manifest(out)
        self.assertEqual([pair["prompt"] for pair in manifest["pairs"]], ["a red bicycle", "a blue door", "a red bicycle"])
        self.assertEqual([pair["seed"] for pair in manifest["pairs"]], [1, 2, 3])
        self.assertEqual(manifest["models"]["personal"], {"model": os.path.join(self.folder, "other"), "revision": None})
        self.assertEqual(manifest["prompts"], {"file": "prompts.txt"})
        difference = numpy.abs(pixels(os.path.join(out, "base", "0001.png")) - pixels(os.path.join(out, "personal", "0001.png")))
        self.assertGreater(difference.mean(), 1.0)

    def test_sdxl_pipeline_with_lora_and_its_own_defaults(self):
        build_sdxl_fixtures(self.folder)
        out = os.path.join(self.folder, "xl-run")
        code, stderr = self.run_script("--base", os.path.join(self.folder, "xl"), "--lora", os.path.join(self.folder, "xl-lora"),
                                       "--lora-scale", "0.7", "--out", out, "--count", "1", "--steps", "1")
        self.assertEqual(code, 0, stderr)
        manifest = self.manifest(out)
        # No --size or --guidance: SDXL's own (default_sample_size x vae_scale_factor, guidance 5.0).
        self.assertEqual((manifest["sampler"]["width"], manifest["sampler"]["height"]), (64, 64))
        self.assertEqual(manifest["sampler"]["guidance"], 5.0)
        self.assertEqual(manifest["models"]["personal"]["loraScale"], 0.7)
        difference = numpy.abs(pixels(os.path.join(out, "base", "0001.png")) - pixels(os.path.join(out, "personal", "0001.png")))
        self.assertGreater(difference.mean(), 0.5)

    def test_rerun_keeps_written_images_and_redoes_only_missing_ones(self):
        out = os.path.join(self.folder, "resume")
        shutil.copytree(self.out, out)
        missing = os.path.join(out, "personal", "0003.png")
        before = pixels(missing)
        os.remove(missing)
        kept = {name: os.stat(os.path.join(out, "base", name)).st_mtime_ns for name in os.listdir(os.path.join(out, "base"))}
        code, stderr = self.run_script("--base", self.base, "--lora", self.lora, "--out", out,
                                       "--count", "4", "--steps", "2", "--size", "64", "--seed", "10")
        self.assertEqual(code, 0, stderr)
        self.assertIn("4 base and 3 personalized images of 4 already there", stderr)
        self.assertIn("personal: 1/1", stderr)
        self.assertNotIn("base: ", stderr)
        assert_same_sampling(pixels(missing), before)
        for name, mtime in kept.items():
            self.assertEqual(os.stat(os.path.join(out, "base", name)).st_mtime_ns, mtime, name)
        manifest = self.manifest(out)
        self.assertEqual(len(manifest["runs"]), 2)
        self.assertEqual(manifest["pairs"], self.manifest(self.out)["pairs"])
        self.assertEqual([name for name in os.listdir(out) if name.startswith(".")], [], "no partial files left")

    def test_rerun_with_smaller_count_finishes_the_folders_pairs(self):
        out = os.path.join(self.folder, "smaller")
        shutil.copytree(self.out, out)
        os.remove(os.path.join(out, "base", "0004.png"))
        code, stderr = self.run_script("--base", self.base, "--lora", self.lora, "--out", out,
                                       "--count", "2", "--steps", "2", "--size", "64", "--seed", "10")
        self.assertEqual(code, 0, stderr)
        self.assertIn("base: 1/1", stderr)
        self.assertEqual(sorted(os.listdir(os.path.join(out, "base"))), ["0001.png", "0002.png", "0003.png", "0004.png"])
        assert_same_sampling(pixels(os.path.join(out, "base", "0004.png")), pixels(os.path.join(self.out, "base", "0004.png")))
        self.assertEqual(len(self.manifest(out)["pairs"]), 4)
        code, stderr = self.run_script("--base", self.base, "--lora", self.lora, "--out", out,
                                       "--count", "4", "--steps", "2", "--size", "64", "--seed", "10")
        self.assertEqual((code, stderr.strip()), (0, f"{out}: all 4 pairs already there"))

    def test_rerun_with_other_seed_or_steps_is_refused(self):
        out = os.path.join(self.folder, "refuse")
        shutil.copytree(self.out, out)
        code, stderr = self.run_script("--base", self.base, "--lora", self.lora, "--out", out,
                                       "--count", "4", "--steps", "2", "--size", "64", "--seed", "11")
        self.assertEqual(code, 2)
        self.assertIn(f"error: {os.path.join(out, 'manifest.json')}: pair 0001 has prompt", stderr)
        self.assertIn("seed 10, this run would use", stderr)
        code, stderr = self.run_script("--base", self.base, "--lora", self.lora, "--out", out,
                                       "--count", "4", "--steps", "3", "--size", "64", "--seed", "10")
        self.assertEqual(code, 2)
        self.assertIn("other sampler settings (steps 2 then, 3 now)", stderr)

    # ------------------------------------------------------------ errors

    def test_broken_lora_file_is_named(self):
        broken = os.path.join(self.folder, "broken.safetensors")
        with open(broken, "wb") as handle:
            handle.write(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
        code, stderr = self.run_script("--base", self.base, "--lora", broken, "--out", os.path.join(self.folder, "broken"),
                                       "--count", "1", "--steps", "1", "--size", "64")
        self.assertEqual(code, 2)
        self.assertTrue(stderr.strip().splitlines()[-1].startswith(f"error: cannot load LoRA {broken} into {self.base}: "),
                        stderr)

    def test_missing_diffusers_says_what_to_install(self):
        with mock.patch.dict(sys.modules, {"diffusers": None}):
            code, stderr = self.run_script("--base", self.base, "--lora", self.lora, "--out",
                                           os.path.join(self.folder, "no-diffusers"), "--count", "1")
        self.assertEqual(code, 2)
        self.assertIn("error: sample_pairs.py needs PyTorch and diffusers", stderr)
        self.assertIn("pip install torch diffusers transformers peft", stderr)

    def test_bad_prompts_file_and_size_are_named(self):
        empty = os.path.join(self.folder, "empty.txt")
        with open(empty, "w", encoding="utf-8") as handle:
            handle.write("\n# only a comment\n")
        code, stderr = self.run_script("--base", self.base, "--lora", self.lora, "--out",
                                       os.path.join(self.folder, "empty"), "--prompts", empty)
        self.assertEqual((code, stderr.strip()), (2, f"error: prompts file {empty} holds no prompts"))
        code, stderr = self.run_script("--base", self.base, "--lora", self.lora, "--out", self.out, "--size", "65")
        self.assertEqual(code, 2)
        self.assertIn("--size must be N or WxH with sides that are multiples of 8", stderr)

    def test_builtin_prompts_are_fifty_distinct(self):
        prompts = sample_pairs.builtin_prompts()
        self.assertEqual(len(prompts), 50)
        self.assertEqual(len(set(prompts)), 50)
        self.assertNotEqual(prompts[0].split(",")[1], prompts[1].split(",")[1], "neighbours differ in setting too")

    # ------------------------------------------------------------ finexl reads it

    def finexl(self, *arguments):
        binary = finexl_binary()
        if binary is None:
            if os.environ.get("CI"):
                self.fail("no finexl binary: build it (swift build) or set FINEXL_BIN")
            self.skipTest("no finexl binary (swift build, or set FINEXL_BIN)")
        return subprocess.run([binary, *arguments], capture_output=True, text=True, timeout=600,
                              env=dict(os.environ, XDG_CACHE_HOME=os.path.join(self.folder, "cache")))

    def test_finexl_explain_runs_on_the_pairs_and_reads_the_manifest_prompts(self):
        # The tiny CLIP fixture as the encoder, the paper's setting: the descriptor encoder's
        # calibration takes minutes in a debug build, and the folders are read the same way.
        base, personal = os.path.join(self.out, "base"), os.path.join(self.out, "personal")
        clip = ("--encoder", "clip", "--model", TOKENIZER, "--concepts", "warm tones, film grain")
        result = self.finexl("explain", "--base", base, "--personal", personal, *clip, "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        explanation = json.loads(result.stdout)
        self.assertEqual(explanation["pairs"], 4)
        self.assertEqual(explanation["encoder"]["name"], "clip")
        self.assertIn("relative", explanation["residual"])

        # CLIP maps concepts with the generation prompts (paper Eq. 6) and says where they came from.
        result = self.finexl("explain", "--base", base, "--personal", personal, *clip)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("concept prompts: the 4 generation prompts of the image pairs", result.stdout + result.stderr)

        # And the manifest is what it reads: one that lacks a pair's prompt is an error naming it.
        broken = os.path.join(self.folder, "broken-manifest")
        shutil.copytree(self.out, broken)
        manifest = self.manifest(broken)
        del manifest["pairs"][2]
        with open(os.path.join(broken, "manifest.json"), "w", encoding="utf-8") as handle:
            json.dump(manifest, handle)
        result = self.finexl("explain", "--base", os.path.join(broken, "base"), "--personal",
                             os.path.join(broken, "personal"), *clip, "--json")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("manifest.json has no prompt for 1 of 4 pairs: 0003", result.stderr)


if __name__ == "__main__":
    unittest.main()
