#!/usr/bin/env python3
"""What FineXL names for edits made by other people's code, on the shipped photographs.

Each case edits the 31 public-domain photos of BenchData/photos with Pillow or ImageMagick
(`convert`, when it is installed) as their users would, writes the files those tools write,
and runs `finexl explain --json` with every default. It then checks that the concept named
first is the aspect the edit makes, with a paired p below 0.01 (for two edits chained, that
both aspects are the two largest weights). These are the edits the
README quotes under "Outside the benchmark"; none of them is one of `finexl bench photos`'
own implementations, and FineXL never sees these files or these tools' code otherwise.

Edits FineXL is known to misread are marked xfail (strict): when one starts to pass, the test
says so, and the README's list of known misreadings must change with it.

FINEXL_PHOTOS=folder runs every case on other pictures instead, such as the held-out set that
Tools/make_held_out_pictures.py makes (a known misreading that passes there is an XPASS, not a
failure).

Needs Pillow and numpy; the ImageMagick cases are skipped without `convert`.
The binary: FINEXL_BIN, else .build/release/finexl, else .build/debug/finexl (slow: about 25 s
a case in a debug build, 1–2 s in release).

Run: python3 -m pytest -q Tools/test_real_tools.py
"""

import json
import math
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

np = pytest.importorskip("numpy")
Image = pytest.importorskip("PIL.Image")
from PIL import ImageEnhance, ImageFilter, ImageOps  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
# FINEXL_PHOTOS runs the same checks on another folder of pictures (PNG or JPEG).
SHIPPED = ROOT / "BenchData/photos"
PHOTOS = pathlib.Path(os.environ.get("FINEXL_PHOTOS") or SHIPPED).resolve()


def finexl_binary():
    named = os.environ.get("FINEXL_BIN")
    if named:
        return pathlib.Path(named).resolve()
    for build in ("release", "debug"):
        candidate = ROOT / ".build" / build / "finexl"
        if candidate.exists():
            return candidate
    pytest.skip("no finexl binary: run `swift build -c release` or set FINEXL_BIN")


@pytest.fixture(scope="module")
def workspace():
    folder = pathlib.Path(tempfile.mkdtemp(prefix="finexl-real-tools-"))
    base = folder / "base"
    base.mkdir()
    for photo in sorted(p for p in PHOTOS.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg")):
        Image.open(photo).convert("RGB").save(base / (photo.stem + ".png"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def explain(workspace, base, personal):
    run = subprocess.run(
        [str(finexl_binary()), "explain", "--base", str(base), "--personal", str(personal), "--json",
         "--cache-dir", str(workspace / "cache")],
        capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


KNOWN = "a known misreading, listed in the README under 'Outside the benchmark'"
# Strict on the shipped photos: a known misreading that starts to pass fails the run, and the
# README's list must change. On other pictures (FINEXL_PHOTOS) one that passes is reported as
# XPASS, not a failure: the list is of what the shipped photos show.
known_misreading = pytest.mark.xfail(strict=PHOTOS == SHIPPED.resolve(), raises=AssertionError, reason=KNOWN)

OPPOSITES = [{"warm tones", "cool tones"}, {"vivid colors", "muted colors"}, {"high contrast", "low contrast"},
             {"bright", "dark"}, {"blurry", "sharp"}]


def check_named_first(explanation, expected):
    concepts = explanation["concepts"]
    reading = ", ".join(f"{c['name']} {c['weight']:.2f}" for c in concepts[:3])
    assert concepts and concepts[0]["name"] == expected, f"expected {expected}, read {reading}"
    named = {c["name"] for c in concepts}
    assert not any(pair <= named for pair in OPPOSITES), f"two opposite looks named together: {reading}"
    assert concepts[0]["paired"]["p"] < 0.01, f"{expected} is named but not significant: {concepts[0]['paired']}"


# --- Pillow -------------------------------------------------------------------------------

def gains(r, g, b):
    def edit(image):
        red, green, blue = image.split()
        return Image.merge("RGB", (red.point(lambda v: min(255, round(v * r))),
                                   green.point(lambda v: min(255, round(v * g))),
                                   blue.point(lambda v: min(255, round(v * b)))))
    return edit


def photo_seed(image):
    """A seed of the photo's own: noise differs from photo to photo and is the same on every run."""
    return sum(image.tobytes()[:4096]) % (2**32)


def grain(sigma):
    def edit(image):
        a = np.asarray(image).astype(np.float64)
        noise = np.random.default_rng(photo_seed(image)).normal(0, sigma, a.shape[:2])[..., None]
        return Image.fromarray(np.clip(a + noise, 0, 255).round().astype(np.uint8))
    return edit


def vignette(image):
    mask = Image.radial_gradient("L").resize(image.size)  # 0 at the centre, 255 beyond the edge
    mask = mask.point(lambda v: round(max(0, v - 90) * 1.4))
    return Image.composite(Image.new("RGB", image.size), image, mask.point(lambda v: min(v, 200)))


PILLOW = {
    "warm: channel point gains": (gains(1.12, 1.0, 0.86), "warm tones"),
    "cool: channel point gains": (gains(0.88, 1.0, 1.14), "cool tones"),
    "ImageEnhance.Color(1.5)": (lambda im: ImageEnhance.Color(im).enhance(1.5), "vivid colors"),
    "ImageEnhance.Color(0.5)": (lambda im: ImageEnhance.Color(im).enhance(0.5), "muted colors"),
    "ImageOps.grayscale": (lambda im: ImageOps.grayscale(im).convert("RGB"), "black and white"),
    "ImageOps.colorize sepia": (
        lambda im: ImageOps.colorize(ImageOps.grayscale(im), black="#2b1a0e", white="#fff3d6"), "sepia"),
    "ImageEnhance.Contrast(1.5)": (lambda im: ImageEnhance.Contrast(im).enhance(1.5), "high contrast"),
    "ImageEnhance.Contrast(0.6)": (lambda im: ImageEnhance.Contrast(im).enhance(0.6), "low contrast"),
    "ImageEnhance.Brightness(1.25)": (lambda im: ImageEnhance.Brightness(im).enhance(1.25), "bright"),
    "ImageEnhance.Brightness(0.7)": (lambda im: ImageEnhance.Brightness(im).enhance(0.7), "dark"),
    "GaussianBlur(2)": (lambda im: im.filter(ImageFilter.GaussianBlur(2)), "blurry"),
    "UnsharpMask(2, 150)": (lambda im: im.filter(ImageFilter.UnsharpMask(radius=2, percent=150, threshold=0)), "sharp"),
    "luminance noise σ 12": (grain(12), "film grain"),
    "radial gradient vignette": (vignette, "vignette"),
    "ImageOps.posterize(3)": (lambda im: ImageOps.posterize(im, 3), "posterized"),
    "convert('P') web palette": (lambda im: im.convert("P").convert("RGB"), "posterized"),
}


def pixels(formula):
    """An edit written on the photo's sRGB values in 0…1 with numpy, rounded back to 8 bits."""
    def edit(image):
        a = np.asarray(image).astype(np.float64) / 255
        return Image.fromarray((np.clip(formula(a), 0, 1) * 255).round().astype(np.uint8))
    return edit


def ycbcr_chroma(factor):
    def edit(image):
        y, cb, cr = image.convert("YCbCr").split()
        scale = lambda v: round(min(255, max(0, 128 + (v - 128) * factor)))  # noqa: E731
        return Image.merge("YCbCr", (y, cb.point(scale), cr.point(scale))).convert("RGB")
    return edit


def radial_darkening(a):
    """Corners multiplied by 0.5, the centre kept: a quadratic falloff from 30 % of the half-diagonal."""
    x, y = np.meshgrid(np.linspace(-1, 1, a.shape[1]), np.linspace(-1, 1, a.shape[0]))
    t = np.clip((np.hypot(x, y) / np.sqrt(2) - 0.3) / 0.7, 0, 1)
    return a * (1 - 0.5 * t ** 2)[..., None]


def salt_and_pepper(share):
    def edit(image):
        a = np.asarray(image).copy()
        draw = np.random.default_rng(photo_seed(image)).random(a.shape[:2])
        a[draw < share / 2] = 0
        a[draw > 1 - share / 2] = 255
        return Image.fromarray(a)
    return edit


# A held-out sweep (stop 27) of other Pillow filters and numpy arithmetic, chosen before FineXL
# read them: 19 of 21 named first. The two not named: ImageOps.autocontrast(cutoff=2), whose
# stretch is the picture's own (nothing on some photos, ×7 contrast and +87 levels on the dark
# astronomy crops) and reads bright 0.61 + film grain 0.31 with no consistent look to name, not
# tested; and 2 % salt-and-pepper noise, held as a known misreading below.
PILLOW_HELD_OUT = {
    "ImageEnhance.Sharpness(2.5)": (lambda im: ImageEnhance.Sharpness(im).enhance(2.5), "sharp"),
    "ImageEnhance.Sharpness(0)": (lambda im: ImageEnhance.Sharpness(im).enhance(0.0), "blurry"),
    "ImageFilter.EDGE_ENHANCE": (lambda im: im.filter(ImageFilter.EDGE_ENHANCE), "sharp"),
    "ImageFilter.DETAIL": (lambda im: im.filter(ImageFilter.DETAIL), "sharp"),
    "BoxBlur(2)": (lambda im: im.filter(ImageFilter.BoxBlur(2)), "blurry"),
    "MedianFilter(5)": (lambda im: im.filter(ImageFilter.MedianFilter(5)), "blurry"),
    "down 3× and up, bilinear": (
        lambda im: im.resize((im.width // 3, im.height // 3), Image.BILINEAR).resize(im.size, Image.BILINEAR), "blurry"),
    "point gamma 0.8": (lambda im: im.point(lambda v: round(255 * (v / 255) ** 0.8)), "bright"),
    "point gamma 1.3": (lambda im: im.point(lambda v: round(255 * (v / 255) ** 1.3)), "dark"),
    "numpy warm matrix": (pixels(lambda a: a @ np.array([[1.08, 0, 0], [0.03, 1.0, 0], [0, 0, 0.85]]).T), "warm tones"),
    "numpy cool matrix": (pixels(lambda a: a @ np.array([[0.9, 0, 0], [0, 1.0, 0.02], [0, 0, 1.1]]).T), "cool tones"),
    "YCbCr chroma ×1.4": (ycbcr_chroma(1.4), "vivid colors"),
    "YCbCr chroma ×0.5": (ycbcr_chroma(0.5), "muted colors"),
    "convert('LA')": (lambda im: im.convert("LA").convert("RGB"), "black and white"),
    "colorize brown to ivory, blended 70 %": (
        lambda im: Image.blend(im, ImageOps.colorize(ImageOps.grayscale(im), black="#3a2410", white="#f5e6c8"), 0.7),
        "sepia"),
    "uniform luminance noise ±20": (
        pixels(lambda a: a + np.random.default_rng(7).uniform(-20, 20, a.shape[:2])[..., None] / 255), "film grain"),
    "numpy radial darkening": (pixels(radial_darkening), "vignette"),
    "quantize(16) median cut, no dither": (
        lambda im: im.quantize(16, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).convert("RGB"), "posterized"),
    "quantize(32) fast octree": (lambda im: im.quantize(32, method=Image.Quantize.FASTOCTREE).convert("RGB"), "posterized"),
}
PILLOW.update(PILLOW_HELD_OUT)

PILLOW_MISREAD = {
    # Impulse noise reads sharp 0.72 + low contrast 0.22: isolated black and white pixels raise the
    # 1-px gradient energies as sharpening does, and FineXL's grain is Gaussian-like.
    "2 % salt and pepper": (salt_and_pepper(0.02), "film grain"),
}


def pillow_explain(workspace, edit, name):
    """Every photo edited by `edit` (a function of a Pillow image), explained against the originals."""
    out = workspace / ("pillow-" + "".join(c if c.isalnum() else "-" for c in name))
    out.mkdir()
    for photo in sorted((workspace / "base").glob("*.png")):
        edit(Image.open(photo).convert("RGB")).save(out / photo.name)
    return explain(workspace, workspace / "base", out)


def pillow_case(workspace, edit, expected, name):
    check_named_first(pillow_explain(workspace, edit, name), expected)


@pytest.mark.parametrize("name", sorted(PILLOW))
def test_pillow_edit_is_named_first(workspace, name):
    pillow_case(workspace, *PILLOW[name], name)


@known_misreading
@pytest.mark.parametrize("name", sorted(PILLOW_MISREAD))
def test_pillow_edit_known_to_be_misread(workspace, name):
    pillow_case(workspace, *PILLOW_MISREAD[name], name)


# Two edits, one after the other, as a user chains them in Pillow: both aspects must be the two
# largest weights, both significant, with no two opposite looks named. What `finexl bench photos`
# scores with its own implementations at 3 × 3 levels, here with Pillow's own filters.
def then(first, second):
    return lambda image: second(first(image))


def median_cut(colours):
    return lambda im: im.quantize(colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).convert("RGB")


PILLOW_PAIRS = {
    "warm gains, then GaussianBlur(1.5)": (
        then(gains(1.12, 1.0, 0.86), lambda im: im.filter(ImageFilter.GaussianBlur(1.5))), {"warm tones", "blurry"}),
    "Color(0.5), then UnsharpMask(2, 150)": (
        then(lambda im: ImageEnhance.Color(im).enhance(0.5),
             lambda im: im.filter(ImageFilter.UnsharpMask(radius=2, percent=150, threshold=0))),
        {"muted colors", "sharp"}),
    "Brightness(1.3), then luminance noise σ 12": (
        then(lambda im: ImageEnhance.Brightness(im).enhance(1.3), grain(12)), {"bright", "film grain"}),
    "cool gains, then quantize(32) median cut": (then(gains(0.88, 1.0, 1.14), median_cut(32)), {"cool tones", "posterized"}),
    # Contrast 0.6 about the mean grey also scales the cast by 0.6 and changes each picture's colour
    # statistics its own way; fitted over mean directions, fewer than half of the pairs moved along
    # cool tones and it was set aside (read low contrast 1.10 + dark 0.11) until the paired
    # evidence fitted each pair over the looks as measured on its own picture.
    "cool gains, then Contrast(0.6)": (
        then(gains(0.88, 1.0, 1.14), lambda im: ImageEnhance.Contrast(im).enhance(0.6)), {"cool tones", "low contrast"}),
    "Contrast(0.6), then cool gains": (
        then(lambda im: ImageEnhance.Contrast(im).enhance(0.6), gains(0.88, 1.0, 1.14)), {"cool tones", "low contrast"}),
    # A held-out sweep (stop 30), chosen before FineXL read them, with the ImageMagick chains below:
    # 9 of 10 read both aspects.
    "colorize sepia, then GaussianBlur(2)": (
        then(lambda im: ImageOps.colorize(ImageOps.grayscale(im), black="#2b1a0e", white="#fff3d6"),
             lambda im: im.filter(ImageFilter.GaussianBlur(2))), {"sepia", "blurry"}),
    "Contrast(1.5), then radial gradient vignette": (
        then(lambda im: ImageEnhance.Contrast(im).enhance(1.5), vignette), {"high contrast", "vignette"}),
    "Color(1.5), then luminance noise σ 12": (
        then(lambda im: ImageEnhance.Color(im).enhance(1.5), grain(12)), {"vivid colors", "film grain"}),
}

PILLOW_PAIRS_MISREAD = {
    # A weak cast (cool tones about 0.5 alone) under a palette reads posterized + sepia: after the
    # large posterized component, sepia's desaturation and contrast fit the palette's residual
    # better than the cast does, and the filter then drops cool tones (|cos| 0.32 with sepia).
    "weak cool gains, then quantize(32) median cut": (
        then(gains(0.955, 1.0, 1.054), median_cut(32)), {"cool tones", "posterized"}),
}


def check_both_named(explanation, expected, also=frozenset()):
    """Both aspects in `expected` outweigh every other concept but those in `also`, which the
    edits make as well (a blend toward a fixed colour also lowers contrast by its share), and
    are at least half as large as those."""
    concepts = explanation["concepts"]
    reading = ", ".join(f"{c['name']} {c['weight']:.2f}" for c in concepts[:4])
    weights = {c["name"]: c["weight"] for c in concepts}
    rivals = [w for name, w in weights.items() if name not in expected | also]
    side = [w for name, w in weights.items() if name in also - expected]
    beaten = [name for name in expected
              if weights.get(name, 0) <= max(rivals, default=0) or weights.get(name, 0) < 0.5 * max(side, default=0)]
    assert not beaten, f"expected {' + '.join(sorted(expected))}, read {reading}"
    named = {c["name"] for c in concepts}
    assert not any(pair <= named for pair in OPPOSITES), f"two opposite looks named together: {reading}"
    weak = [c["name"] for c in concepts if c["name"] in expected and c["paired"]["p"] >= 0.01]
    assert not weak, f"named but not significant: {weak} ({reading})"


def pillow_pair_case(workspace, edit, expected, name):
    check_both_named(pillow_explain(workspace, edit, "pair " + name), expected)


@pytest.mark.parametrize("name", sorted(PILLOW_PAIRS))
def test_pillow_two_edits_are_both_named(workspace, name):
    pillow_pair_case(workspace, *PILLOW_PAIRS[name], name)


@known_misreading
@pytest.mark.parametrize("name", sorted(PILLOW_PAIRS_MISREAD))
def test_pillow_two_edits_known_to_be_misread(workspace, name):
    pillow_pair_case(workspace, *PILLOW_PAIRS_MISREAD[name], name)


def test_jpeg_files_on_both_sides(workspace):
    """Both sides saved as JPEG (quality 90), as many generators and apps do: the compression
    both share is not read as an aspect, the edit is."""
    base, out = workspace / "jpeg-base", workspace / "jpeg-muted"
    base.mkdir()
    out.mkdir()
    for photo in sorted((workspace / "base").glob("*.png")):
        image = Image.open(photo).convert("RGB")
        image.save(base / (photo.stem + ".jpg"), quality=90)
        ImageEnhance.Color(image).enhance(0.5).save(out / (photo.stem + ".jpg"), quality=90)
    explanation = explain(workspace, base, out)
    check_named_first(explanation, "muted colors")
    assert not any(c["name"] in ("film grain", "blurry", "sharp") and c["weight"] > 0.1
                   for c in explanation["concepts"]), explanation["concepts"]


# --- ImageMagick ----------------------------------------------------------------------------

MAGICK = {
    "-fill #ff8800 -colorize 15%": "warm tones",
    "-fill #0066ff -colorize 15%": "cool tones",
    "-modulate 100,150": "vivid colors",
    "-modulate 100,50": "muted colors",
    "-colorspace Gray": "black and white",
    "-sigmoidal-contrast 5x50%": "high contrast",
    "-level 0%,80%": "bright",
    "-gamma 0.7": "dark",
    "-blur 0x2": "blurry",
    "-unsharp 0x1.5+1.5+0": "sharp",
    "-attenuate 0.5 +noise Gaussian": "film grain",
    "-background black -vignette 0x40": "vignette",
    "-posterize 6": "posterized",
    "-ordered-dither o4x4,6": "posterized",
    "-modulate 130": "bright",  # HSL lightness ×1.3: read as bright's clipped-exposure form (was vivid colors + sepia)
}
# A held-out sweep (stop 27): settings and operators none of the cases above use, chosen before
# FineXL read them; 35 of 38 are named first, all 35 here. The wide unsharp mask (a clarity-like
# σ of 3 px) read film grain 0.60 + sharp 0.42 until sharp's wide-radius form, made after the
# sweep found it (so that one is no longer held out).
MAGICK_HELD_OUT = {
    "-modulate 100,120": "vivid colors",
    "-modulate 100,70": "muted colors",
    "-fill #ffaa44 -tint 60": "warm tones",
    "-fill #4488ff -colorize 10%": "cool tones",
    "-grayscale Rec709Luma": "black and white",
    "-brightness-contrast 15x0": "bright",
    "-brightness-contrast -15x0": "dark",
    "-brightness-contrast 0x25": "high contrast",
    "-brightness-contrast 0x-25": "low contrast",
    "-evaluate multiply 1.2": "bright",
    "-evaluate multiply 0.8": "dark",
    "-gamma 1.4": "bright",
    "-contrast-stretch 3%x3%": "high contrast",
    "-gaussian-blur 0x1.2": "blurry",
    "-motion-blur 0x6+30": "blurry",
    "-sharpen 0x1": "sharp",
    "-unsharp 0x3+0.8+0": "sharp",
    "-adaptive-sharpen 0x2": "sharp",
    "-attenuate 0.3 +noise Laplacian": "film grain",
    "-background #202020 -vignette 0x30+10+10": "vignette",
    "+dither -colors 12": "posterized",
    "-colors 24": "posterized",
    "-modulate 100,25": "muted colors",
    "-fill #ffcc66 -colorize 8%": "warm tones",
    "-type Grayscale": "black and white",
    "-level 0,100%,0.8": "dark",
    "-sigmoidal-contrast 3x50%": "high contrast",
    "+level 15%,90%": "low contrast",
    "-blur 0x3": "blurry",
    "-attenuate 0.3 +noise Poisson": "film grain",
    "-attenuate 0.4 +noise Uniform": "film grain",
    "-attenuate 0.6 +noise Gaussian": "film grain",
    "-background black -vignette 0x60": "vignette",
    "-posterize 4": "posterized",
    "-ordered-dither o8x8,8": "posterized",
}
MAGICK.update(MAGICK_HELD_OUT)

MAGICK_MISREAD = {
    "-sepia-tone 80%": "sepia",  # reads high contrast + bright: toning, normalize and contrast in one
    # Held out (stop 27): the same toning at 60 % reads warm tones 3.22 + bright 1.15; a vignette
    # to white lightens the corners, which FineXL's vignette (a falloff to black) does not span:
    # bright 1.68 + low contrast 0.53.
    "-sepia-tone 60%": "sepia",
    "-background white -vignette 0x40": "vignette",
}


def convert_binary():
    found = shutil.which("convert")
    if not found:
        pytest.skip("ImageMagick's convert is not installed")
    return found


def magick_explain(workspace, arguments):
    """Every photo edited by `convert` with `arguments`, explained against the originals."""
    convert = convert_binary()
    out = workspace / ("magick-" + "".join(c if c.isalnum() else "-" for c in arguments.replace("+", "plus")))
    out.mkdir()
    for photo in sorted((workspace / "base").glob("*.png")):
        subprocess.run([convert, str(photo), *arguments.split(), "PNG24:" + str(out / photo.name)], check=True)
    return explain(workspace, workspace / "base", out)


def magick_case(workspace, arguments, expected):
    check_named_first(magick_explain(workspace, arguments), expected)


@pytest.mark.parametrize("arguments", sorted(MAGICK))
def test_imagemagick_edit_is_named_first(workspace, arguments):
    magick_case(workspace, arguments, MAGICK[arguments])


@known_misreading
@pytest.mark.parametrize("arguments", sorted(MAGICK_MISREAD))
def test_imagemagick_edit_known_to_be_misread(workspace, arguments):
    magick_case(workspace, arguments, MAGICK_MISREAD[arguments])


# Two ImageMagick operators in one `convert` call, applied in order (the held-out sweep of stop 30).
MAGICK_PAIRS = {
    "-modulate 100,50 -blur 0x2": {"muted colors", "blurry"},
    "-sigmoidal-contrast 5x50% -attenuate 0.5 +noise Gaussian": {"high contrast", "film grain"},
    "-fill #ff8800 -colorize 15% -posterize 6": {"warm tones", "posterized"},
    "-gamma 0.7 -unsharp 0x1.5+1.5+0": {"dark", "sharp"},
    "-level 0%,80% -modulate 100,150": {"bright", "vivid colors"},
    "-fill #0066ff -colorize 15% -sharpen 0x1": {"cool tones", "sharp"},
}

MAGICK_PAIRS_MISREAD = {
    # Grey, then a strong vignette to black: vignette 7.24 + dark 1.48 + black and white 0.94. Black
    # and white is read at its level, but third: at 7× its canonical strength the vignette's
    # darkening goes beyond what its direction spans, and the rest reads as dark.
    "-colorspace Gray -background black -vignette 0x40": {"black and white", "vignette"},
}


# What an operator makes besides its own aspect. `-colorize p%` blends p % of a fixed colour into
# every pixel, v → (1 − p)v + p·c: a cast, and every slope cut by p. On the held-out pictures of
# Tools/make_held_out_pictures.py the blue colorize + sharpen reads cool tones 1.52, low contrast
# 0.46, sharp 0.46: sharp at its level alone (0.45), the contrast cut where 15 % puts it. (Added
# after that run, which is why the held-out pass of this case is not independent evidence.)
ALSO_MADE = {"-colorize": {"low contrast"}}


def also_made(arguments):
    return frozenset().union(*(ALSO_MADE.get(word, set()) for word in arguments.split()))


@pytest.mark.parametrize("arguments", sorted(MAGICK_PAIRS))
def test_imagemagick_two_operators_are_both_named(workspace, arguments):
    check_both_named(magick_explain(workspace, arguments), MAGICK_PAIRS[arguments], also_made(arguments))


@known_misreading
@pytest.mark.parametrize("arguments", sorted(MAGICK_PAIRS_MISREAD))
def test_imagemagick_two_operators_known_to_be_misread(workspace, arguments):
    check_both_named(magick_explain(workspace, arguments), MAGICK_PAIRS_MISREAD[arguments], also_made(arguments))


def _srgb_to_linear(v):
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def _linear_to_srgb(v):
    return 12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055


def _cast_level(cast, gains):
    """The level at which a cast form adds `cast` (sRGB, per channel): the least-squares fit of
    `cast` by the form's colour, the canonical white-balance `gains` at level 1 applied to a
    mid-grey (Aspect.swift: linear red ×1.2, green ×0.96, blue ×0.8 for warm tones, cool the mirror)."""
    offset = [_linear_to_srgb(_srgb_to_linear(0.5) * g) - 0.5 for g in gains]
    return sum(c * o for c, o in zip(cast, offset)) / sum(o * o for o in offset)


def _inverse_sigmoid_level(beta):
    """Low contrast's level of ImageMagick's `+sigmoidal-contrast {beta}x50%`, read off its slope
    at mid-grey as the inverse S-curve form's level is (Aspect.swift: the slope there is 1 − 0.4ℓ,
    black and white kept). The tool inverts the sigmoid 1 / (1 + e^(β(½ − v))) normalized to run
    from black to white, whose slope at mid-grey is β/4 over that sigmoid's range between v = 0 and
    v = 1. Only that slope is matched: at β = 6 the tool's slope at black and white is about 3.3,
    the form's 1.8."""
    def sigmoid(v):
        return 1 / (1 + math.exp(beta * (0.5 - v)))
    slope = 1 / (beta / 4 / (sigmoid(1) - sigmoid(0)))
    return (1 - slope) / 0.4


# Linear levels, whose strength in FineXL's own terms is exact (and inverse S-curves, whose level
# is read off their slope at mid-grey alone): the canonical high contrast
# multiplies each channel's slope by 1 + 0.5ℓ and low contrast by 1 − 0.4ℓ (their descriptions in
# Aspect.swift; the stretch-about-mid-grey and output-levels forms have those slopes), so
# `-level 10%,90%` (slope 1/0.8 = 1.25 about mid-grey, clipped) is high contrast at 0.5 and
# `+level 20%,80%` (slope 0.6) low contrast at 1.0. The 95 % interval must hold that level, and
# no other concept may be read at 0.15 or more.
MAGICK_LEVELS = {
    "-level 10%,90%": ("high contrast", 0.5),
    "-level 15%,85%": ("high contrast", (1 / 0.7 - 1) / 0.5),
    "+level 10%,90%": ("low contrast", 0.5),
    "+level 20%,80%": ("low contrast", 1.0),
    # Inverse S-curves, at their level by the slope at mid-grey (0.19, 0.60 and 0.99); they read
    # 0.08, 0.29 and 0.47 beside cool tones up to 0.23 before the inverse S-curve form.
    "+sigmoidal-contrast 2x50%": ("low contrast", _inverse_sigmoid_level(2)),
    "+sigmoidal-contrast 4x50%": ("low contrast", _inverse_sigmoid_level(4)),
    "+sigmoidal-contrast 6x50%": ("low contrast", _inverse_sigmoid_level(6)),
    # Additive casts, whose strength in FineXL's own terms is exact as well: the warm and cool offset
    # forms add the canonical cast's move of a mid-grey (red +0.044, green −0.009, blue −0.049 for
    # warm tones at level 1) to every pixel, so red +6 % with blue −6 % is warm tones at about 1.26.
    "-channel R -evaluate add 6% -channel B -evaluate subtract 6% +channel":
        ("warm tones", _cast_level((0.06, 0, -0.06), (1.2, 0.96, 0.8))),
    "-channel B -evaluate add 6% -channel R -evaluate subtract 6% +channel":
        ("cool tones", _cast_level((-0.06, 0, 0.06), (0.8, 1.04, 1.2))),
}

MAGICK_LEVELS_MISREAD = {
    # A slight stretch reads about 1.7× its level: clipping a few per cent of the picture at either
    # end moves the clipping statistics far more than the stretch's slope does (0.37 [0.26, 0.61]).
    "-level 5%,95%": ("high contrast", (1 / 0.9 - 1) / 0.5),
}


def magick_level_case(workspace, arguments, expected, level):
    explanation = magick_explain(workspace, arguments)
    check_named_first(explanation, expected)
    low, high = explanation["concepts"][0]["ci"]
    assert low <= level <= high, f"{expected} {explanation['concepts'][0]['weight']:.2f} [{low:.2f}, {high:.2f}] for level {level:.2f}"
    # A stretch about mid-grey also darkens a picture darker than mid-grey: that is the contrast
    # edit's doing, not a second aspect (it read as dark 0.26–0.33, or bright 0.25 beside +level).
    side = [f"{c['name']} {c['weight']:.2f}" for c in explanation["concepts"][1:] if c["weight"] >= 0.15]
    assert not side, f"{expected} read with {', '.join(side)}"


@pytest.mark.parametrize("arguments", sorted(MAGICK_LEVELS))
def test_imagemagick_levels_read_at_their_level(workspace, arguments):
    magick_level_case(workspace, arguments, *MAGICK_LEVELS[arguments])


@known_misreading
@pytest.mark.parametrize("arguments", sorted(MAGICK_LEVELS_MISREAD))
def test_imagemagick_levels_known_to_be_misread(workspace, arguments):
    magick_level_case(workspace, arguments, *MAGICK_LEVELS_MISREAD[arguments])
