#!/usr/bin/env python3
"""Makes a second set of base pictures, held out from everything FineXL was tuned on.

`finexl bench photos` and `Tools/test_real_tools.py` edit the 31 crops of BenchData/photos,
and FineXL's rules were chosen while looking at them. This builds another set to run the same
checks on: 12 nature photographs (macro flowers, leaves, grass, a storm, wood, water drops)
and 10 digital illustrations, from the wallpaper packages of Debian 12, two crops of each
photograph (the centre square of the shorter side reduced to 256 px, and a detail at 200 px) and
the centre square of each illustration at 256 px. Their licences (GPL-2+, CC BY-SA) allow use but not the public-domain
terms of the shipped set, so they are not committed: make them where they are needed.

    python3 Tools/make_held_out_pictures.py /tmp/held        # apt-get download, then crops
    finexl bench photos --photos /tmp/held
    FINEXL_PHOTOS=/tmp/held python3 -m pytest -q Tools/test_real_tools.py

Reproducible: the package versions are pinned below (Debian 12 "bookworm"; elsewhere fetch the
same .deb files from snapshot.debian.org and pass their folder as a second argument); the same
packages give the same crops. FOLDER must be new or empty.
"""
import os
import subprocess
import sys
import tempfile

from PIL import Image

PACKAGES = {"mate-backgrounds": "1.26.0-1", "ukui-wallpapers": "20.04.3-1.1"}
MATE = "usr/share/backgrounds/mate/"
UKUI = "usr/share/backgrounds/"

# Source file → (package, licence as the package's copyright file gives it).
PHOTOGRAPHS = {MATE + "nature/" + name + ".jpg": ("mate-backgrounds", "GPL-2+") for name in [
    "Aqua", "Blinds", "Dune", "FreshFlower", "Garden", "GreenMeadow", "LadyBird", "RainDrops", "Storm",
    "TwoWings", "Wood", "YellowFlower"]}
ILLUSTRATIONS = {UKUI + name: ("ukui-wallpapers", "CC-BY-SA-3.0") for name in [
    "calla.png", "city.png", "desert.png", "goldfish.png", "rhythm.jpg", "the-mouse.jpg", "string.jpg",
    "firstgeneration.jpg"]}
ILLUSTRATIONS[MATE + "abstract/Elephants.jpg"] = ("mate-backgrounds", "GPL-2+")
ILLUSTRATIONS[MATE + "desktop/Ubuntu-Mate-Warm-no-logo.png"] = ("mate-backgrounds", "CC-BY-SA-4.0")


def square(image, share, centre_x, centre_y):
    """The square of side `share` × the shorter side, centred at (centre_x, centre_y) as shares
    of the width and height, moved inside the picture where it would leave it."""
    side = int(min(image.size) * share)
    left = min(max(int(centre_x * image.width - side / 2), 0), image.width - side)
    top = min(max(int(centre_y * image.height - side / 2), 0), image.height - side)
    return image.crop((left, top, left + side, top + side)), (left, top, side)


def flatten(image):
    """RGB, alpha composited on white."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", image.size, (255, 255, 255, 255)), image)
    return image.convert("RGB")


# name suffix, share of the shorter side, centre, output side
PHOTO_CROPS = [("whole", 1.0, (0.5, 0.5), 256), ("detail", 0.35, (0.4, 0.55), 200)]
ILLUSTRATION_CROP = ("", 1.0, (0.5, 0.5), 256)


def crops_of(path, illustration):
    """(file name, crop spec) for each picture made from `path`."""
    stem = os.path.splitext(os.path.basename(path))[0].lower()
    if illustration:
        return [("art_" + stem + ".png", ILLUSTRATION_CROP)]
    return [(f"{stem}_{suffix}.png", (suffix, share, centre, size)) for suffix, share, centre, size in PHOTO_CROPS]


def unpack(work, debs=None):
    """Extracts the packages (downloaded with apt-get, or the .deb files in `debs`) under work/root."""
    if debs is None:
        debs = work
        specs = [f"{name}={version}" for name, version in PACKAGES.items()]
        subprocess.run(["apt-get", "download"] + specs, cwd=work, check=True)
    for name, version in PACKAGES.items():
        deb = os.path.join(debs, f"{name}_{version}_all.deb")
        if not os.path.exists(deb):
            sys.exit(f"error: {deb}: not found")
        subprocess.run(["dpkg-deb", "-x", deb, os.path.join(work, "root")], check=True)
    root = os.path.join(work, "root")
    missing = [p for p in list(PHOTOGRAPHS) + list(ILLUSTRATIONS) if not os.path.exists(os.path.join(root, p))]
    if missing:
        sys.exit(f"error: not found in the packages: {', '.join(missing)}")
    return root


def make(root, out):
    """Writes every crop and README.md into `out`; returns how many crops."""
    os.makedirs(out, exist_ok=True)
    rows = []
    sources = [(p, False) for p in PHOTOGRAPHS] + [(p, True) for p in ILLUSTRATIONS]
    for path, illustration in sources:
        image = flatten(Image.open(os.path.join(root, path)))
        package, licence = (ILLUSTRATIONS if illustration else PHOTOGRAPHS)[path]
        for name, (_, share, (cx, cy), size) in crops_of(path, illustration):
            crop, (left, top, side) = square(image, share, cx, cy)
            crop = crop.resize((size, size), Image.LANCZOS)
            crop.save(os.path.join(out, name), optimize=True)
            kind = "illustration" if illustration else "photograph"
            rows.append(f"| {name} | {size}×{size} | {package}: /{path} | x {left}, y {top}, {side}×{side} px | {kind} | {licence} |")
    versions = ", ".join(f"{name} {version}" for name, version in PACKAGES.items())
    lines = [
        "# Held-out base pictures (made by Tools/make_held_out_pictures.py, not committed)",
        "",
        f"From Debian 12's {versions}; each package's /usr/share/doc/<package>/copyright gives the",
        "authors and the licence. Crops reduced with Pillow's Lanczos filter; alpha composited on white.",
        "",
        "## Files",
        "",
        "| file | size | source | crop (left, top, side) | kind | licence |",
        "|---|---|---|---|---|---|",
    ] + rows
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return len(rows)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: make_held_out_pictures.py FOLDER [FOLDER_OF_DEB_FILES]")
    out = sys.argv[1]
    if os.path.exists(out) and os.listdir(out):
        sys.exit(f"error: {out}: not empty (a picture left from before would not be in its README.md)")
    debs = os.path.abspath(sys.argv[2]) if len(sys.argv) == 3 else None
    with tempfile.TemporaryDirectory() as work:
        count = make(unpack(work, debs), out)
    print(f"wrote {count} pictures and README.md to {out}")


if __name__ == "__main__":
    main()
