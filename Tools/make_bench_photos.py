#!/usr/bin/env python3
"""Makes BenchData/photos/: the base images of `finexl bench photos`.

Crops of public-domain and CC0 pictures that ship inside two PyPI wheels (scikit-image's
sample data, matplotlib's sample_data), several per picture at different places and scales so
the content varies (warm, cool, dark, bright, textured, smooth). Each crop is a square region
of the source; regions larger than 256 px are reduced to 256 px (Pillow's Lanczos filter),
smaller ones are kept at their size, and the one illustration detail is enlarged to 128 px.
Alpha is composited on white. Also writes README.md listing every file, its source and licence.

    python3 -m venv /tmp/v && /tmp/v/bin/pip install pillow
    /tmp/v/bin/python Tools/make_bench_photos.py          # downloads the two wheels with pip

Reproducible: same wheels (versions pinned below), same crops, same PNG bytes for a given Pillow.
"""
import os
import subprocess
import sys
import tempfile
import zipfile

from PIL import Image

WHEELS = {"scikit-image": "0.26.0", "matplotlib": "3.11.2"}
SK = "skimage/data/"
MPL = "matplotlib/mpl-data/sample_data/"

# Source file → (licence as the package's documentation states it, where that is said).
SOURCES = {
    SK + "astronaut.png": ("public domain", "NASA Great Images database; skimage.data.astronaut docstring: "
                           "\"No known copyright restrictions, released into the public domain\""),
    SK + "chelsea.png": ("CC0", "photograph by Stefan van der Walt; skimage.data.chelsea docstring: "
                         "\"No copyright restrictions. CC0 by the photographer\""),
    SK + "coffee.png": ("CC0", "photograph by Rachel Michetti; skimage.data.coffee docstring: "
                        "\"No copyright restrictions. CC0 by the photographer\""),
    SK + "rocket.jpg": ("public domain", "SpaceX Photos on Flickr; skimage.data.rocket docstring: "
                        "\"captured by SpaceX and released in the public domain\""),
    SK + "hubble_deep_field.jpg": ("public domain", "HubbleSite, NASA; skimage.data.hubble_deep_field docstring: "
                                   "\"may be freely used in the public domain\""),
    SK + "retina.jpg": ("CC0", "Wikimedia Commons, Mikael Häggström; skimage.data.retina docstring: "
                        "\"Creative Commons CC0 1.0 Universal Public Domain Dedication\""),
    MPL + "grace_hopper.jpg": ("public domain", "U.S. Navy photograph, Wikimedia Commons File:Grace_Hopper.jpg "
                               "(named in the JPEG's comment); a work of the U.S. federal government"),
    MPL + "Minduka_Present_Blue_Pack.png": ("public domain", "clip art by Minduka from openclipart.org, whose "
                                            "clip art is all public domain; digital illustration"),
}

# name, source, left, top, side, output side (None: keep the region's side)
CROPS = [
    ("astronaut_face", SK + "astronaut.png", 140, 0, 256, None),
    ("astronaut_suit", SK + "astronaut.png", 0, 256, 256, None),
    ("astronaut_helmet", SK + "astronaut.png", 256, 256, 256, None),
    ("astronaut_shuttle", SK + "astronaut.png", 320, 0, 192, None),
    ("astronaut_whole", SK + "astronaut.png", 0, 0, 512, 256),
    ("chelsea_face", SK + "chelsea.png", 100, 0, 300, 256),
    ("chelsea_eyes", SK + "chelsea.png", 150, 60, 160, None),
    ("chelsea_fur", SK + "chelsea.png", 0, 100, 200, None),
    ("chelsea_background", SK + "chelsea.png", 291, 0, 160, None),
    ("coffee_cup", SK + "coffee.png", 150, 0, 400, 256),
    ("coffee_crema", SK + "coffee.png", 230, 40, 160, None),
    ("coffee_wood_left", SK + "coffee.png", 0, 0, 200, None),
    ("coffee_saucer", SK + "coffee.png", 250, 200, 200, None),
    ("coffee_wood_right", SK + "coffee.png", 400, 150, 200, None),
    ("rocket_whole", SK + "rocket.jpg", 107, 0, 427, 256),
    ("rocket_sky", SK + "rocket.jpg", 150, 0, 200, None),
    ("rocket_lights", SK + "rocket.jpg", 200, 227, 200, None),
    ("rocket_tower", SK + "rocket.jpg", 0, 0, 256, None),
    ("hubble_corner", SK + "hubble_deep_field.jpg", 0, 0, 256, None),
    ("hubble_centre", SK + "hubble_deep_field.jpg", 500, 400, 256, None),
    ("hubble_wide", SK + "hubble_deep_field.jpg", 100, 100, 768, 256),
    ("retina_whole", SK + "retina.jpg", 0, 0, 1411, 256),
    ("retina_disc", SK + "retina.jpg", 100, 450, 400, 256),
    ("retina_macula", SK + "retina.jpg", 530, 480, 400, 256),
    ("retina_vessels", SK + "retina.jpg", 700, 150, 256, None),
    ("hopper_face", MPL + "grace_hopper.jpg", 100, 80, 256, None),
    ("hopper_flag", MPL + "grace_hopper.jpg", 0, 0, 200, None),
    ("hopper_uniform", MPL + "grace_hopper.jpg", 150, 340, 256, None),
    ("hopper_whole", MPL + "grace_hopper.jpg", 0, 44, 512, 256),
    ("present_whole", MPL + "Minduka_Present_Blue_Pack.png", 0, 0, 128, None),
    ("present_bow", MPL + "Minduka_Present_Blue_Pack.png", 32, 0, 64, 128),
]


def unpack(work):
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-d", work]
                   + [f"{name}=={version}" for name, version in WHEELS.items()], check=True)
    files = {}
    for wheel in os.listdir(work):
        if not wheel.endswith(".whl"):
            continue
        with zipfile.ZipFile(os.path.join(work, wheel)) as z:
            for path in SOURCES:
                if path in z.namelist():
                    z.extract(path, work)
                    files[path] = os.path.join(work, path)
    missing = set(SOURCES) - set(files)
    if missing:
        sys.exit(f"error: not found in the wheels: {', '.join(sorted(missing))}")
    return files


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "BenchData", "photos")
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        files = unpack(work)
        rows = []
        for name, source, left, top, side, size in CROPS:
            image = Image.open(files[source])
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                white = Image.new("RGBA", image.size, (255, 255, 255, 255))
                image = Image.alpha_composite(white, image)
            image = image.convert("RGB")
            if left + side > image.width or top + side > image.height:
                sys.exit(f"error: crop {name} ({left}, {top}, {side}) leaves {source} ({image.width}×{image.height})")
            crop = image.crop((left, top, left + side, top + side))
            if size is not None and size != side:
                crop = crop.resize((size, size), Image.LANCZOS)
            crop.save(os.path.join(out, name + ".png"), optimize=True)
            licence, note = SOURCES[source]
            rows.append(f"| {name}.png | {crop.width}×{crop.height} | {source.split('/')[-1]} | "
                        f"x {left}, y {top}, {side}×{side} px | {licence} |")
    package = {SK: "scikit-image " + WHEELS["scikit-image"], MPL: "matplotlib " + WHEELS["matplotlib"]}
    lines = [
        "# Base images of `finexl bench photos`",
        "",
        "Crops of public-domain and CC0 pictures bundled in PyPI wheels, made by `Tools/make_bench_photos.py`",
        "(run it to reproduce them). Regions larger than 256 px were reduced to 256 px with Pillow's Lanczos",
        "filter; `present_bow.png` was enlarged from 64 px to 128 px; alpha was composited on white.",
        "",
        "## Sources",
        "",
        "| source file | package | licence | where the licence is stated |",
        "|---|---|---|---|",
    ]
    for source, (licence, note) in SOURCES.items():
        prefix = SK if source.startswith(SK) else MPL
        lines.append(f"| {source.split('/')[-1]} | {package[prefix]} ({prefix}) | {licence} | {note} |")
    lines += ["", "## Files", "", "| file | size | source | crop (left, top, side) | licence |", "|---|---|---|---|---|"]
    lines += rows
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(rows)} crops and README.md to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
