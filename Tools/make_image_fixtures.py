#!/usr/bin/env python3
"""Writes the small PNG/JPEG fixtures under Tests/Fixtures/images and expected.json.

Run once by hand (needs Pillow and numpy); the outputs are committed and the Swift tests
read them without Python. PNGs are written by a minimal encoder here so every colour type,
bit depth, tRNS form and Adam7 interlacing can be produced exactly; Pillow then decodes each
one as an independent check. JPEG expectations are Pillow's own decode of the file.
"""
import io
import json
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

OUT = Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "images"
WIDTH, HEIGHT = 7, 5  # odd sizes exercise bit packing and every Adam7 pass


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_row(samples, bit_depth):
    """One scanline's samples (already flattened over channels) packed to bytes."""
    if bit_depth == 16:
        return b"".join(struct.pack(">H", int(v)) for v in samples)
    if bit_depth == 8:
        return bytes(int(v) for v in samples)
    per_byte = 8 // bit_depth
    out = bytearray()
    for start in range(0, len(samples), per_byte):
        group = list(samples[start:start + per_byte]) + [0] * (per_byte - len(samples[start:start + per_byte]))
        byte = 0
        for v in group:
            byte = (byte << bit_depth) | int(v)
        out.append(byte)
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def write_png(path, samples, color_type, bit_depth, plte=None, trns=None, interlace=False):
    """samples: array [H, W, C] of raw sample values (palette indices for colour type 3)."""
    h, w = samples.shape[:2]
    raw = bytearray()
    if interlace:
        for x0, y0, dx, dy in ADAM7:
            sub = samples[y0::dy, x0::dx]
            if sub.shape[0] == 0 or sub.shape[1] == 0:
                continue
            for row in sub:
                raw += b"\x00" + pack_row(row.reshape(-1), bit_depth)
    else:
        for row in samples:
            raw += b"\x00" + pack_row(row.reshape(-1), bit_depth)
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlace else 0))
    if plte is not None:
        png += chunk(b"PLTE", bytes(int(v) for v in np.asarray(plte).reshape(-1)))
    if trns is not None:
        png += chunk(b"tRNS", trns)
    png += chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    png += chunk(b"IEND", b"")
    path.write_bytes(png)


def on_white(rgb, alpha):
    """Straight alpha composited on white, values 0...1."""
    return rgb * alpha[..., None] + (1.0 - alpha[..., None])


def samples_of(expected_rgb):
    """A few pixels (corners, centre, and a spread) with their expected values."""
    h, w = expected_rgb.shape[:2]
    points = {(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1), (w // 2, h // 2), (1, 2), (3, 1), (5, 3)}
    return [{"x": x, "y": y, "rgb": [round(float(v), 6) for v in expected_rgb[y, x]]}
            for x, y in sorted(points) if x < w and y < h]


def check_against_pillow(path, expected_rgb, tolerance):
    """Pillow's own decode must agree, or the fixture writer is wrong."""
    with Image.open(path) as im:
        im.load()
        if im.mode in ("I;16", "I;16B", "I"):
            arr = np.asarray(im, dtype=np.float64) / 65535.0
            got = np.repeat(arr[..., None], 3, axis=2)
        else:
            rgba = np.asarray(im.convert("RGBA"), dtype=np.float64) / 255.0
            got = on_white(rgba[..., :3], rgba[..., 3])
    err = np.abs(got - expected_rgb).max()
    assert err <= tolerance, f"{path.name}: Pillow disagrees by {err}"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(20261126)
    cases = {}

    def add(name, expected, kind, tolerance):
        cases[name] = {"kind": kind, "width": int(expected.shape[1]), "height": int(expected.shape[0]),
                       "tolerance": tolerance, "samples": samples_of(expected)}

    shape = (HEIGHT, WIDTH)
    opaque = np.ones(shape)

    # Gray at 1, 4, 8 and 16 bits.
    for depth in (1, 4, 8, 16):
        top = (1 << depth) - 1
        g = rng.randint(0, top + 1, size=shape)
        g[0, 0], g[0, 1] = 0, top
        name = f"gray{depth}.png"
        write_png(OUT / name, g[..., None], 0, depth)
        value = g / top
        expected = on_white(np.repeat(value[..., None], 3, axis=2), opaque)
        add(name, expected, f"gray {depth}-bit", 1e-4)
        # Pillow reduces 16-bit gray to its 'I' mode exactly; lower depths to 8-bit L.
        check_against_pillow(OUT / name, expected, 1e-4 if depth == 16 else 0.5 / 255 + 1e-9)

    # Gray with a tRNS key: that one gray level becomes transparent (white).
    g = rng.randint(0, 256, size=shape)
    g[1, :] = 77
    write_png(OUT / "gray8_trns.png", g[..., None], 0, 8, trns=struct.pack(">H", 77))
    alpha = np.where(g == 77, 0.0, 1.0)
    expected = on_white(np.repeat((g / 255)[..., None], 3, axis=2), alpha)
    add("gray8_trns.png", expected, "gray 8-bit with tRNS key", 1e-4)
    check_against_pillow(OUT / "gray8_trns.png", expected, 1e-6)

    # Gray + alpha at 8 and 16 bits.
    for depth in (8, 16):
        top = (1 << depth) - 1
        ga = rng.randint(0, top + 1, size=shape + (2,))
        ga[0, 0, 1], ga[0, 1, 1] = 0, top
        name = f"gray_alpha{depth}.png"
        write_png(OUT / name, ga, 4, depth)
        expected = on_white(np.repeat((ga[..., 0] / top)[..., None], 3, axis=2), ga[..., 1] / top)
        add(name, expected, f"gray+alpha {depth}-bit", 1e-4)
        check_against_pillow(OUT / name, expected, (2.0 if depth == 16 else 1.0) / 255 + 1e-9)

    # Palette, 8-bit opaque and 4-bit with partial alpha in tRNS.
    plte = rng.randint(0, 256, size=(16, 3))
    idx = rng.randint(0, 16, size=shape)
    write_png(OUT / "palette8.png", idx[..., None], 3, 8, plte=plte)
    expected = on_white(plte[idx] / 255, opaque)
    add("palette8.png", expected, "palette 8-bit", 1e-4)
    check_against_pillow(OUT / "palette8.png", expected, 1e-6)

    palpha = np.array([0, 64, 128, 255, 200, 10])  # the rest of the 16 entries stay opaque
    full_alpha = np.concatenate([palpha, np.full(16 - len(palpha), 255)])
    write_png(OUT / "palette4_trns.png", idx[..., None], 3, 4, plte=plte, trns=bytes(int(a) for a in palpha))
    expected = on_white(plte[idx] / 255, full_alpha[idx] / 255)
    add("palette4_trns.png", expected, "palette 4-bit with tRNS alpha", 1e-4)
    check_against_pillow(OUT / "palette4_trns.png", expected, 1.0 / 255 + 1e-9)

    # RGB at 8 and 16 bits, RGB with a tRNS key colour, RGBA at 8 and 16 bits, interlaced RGB.
    for depth in (8, 16):
        top = (1 << depth) - 1
        rgb = rng.randint(0, top + 1, size=shape + (3,))
        name = f"rgb{depth}.png"
        write_png(OUT / name, rgb, 2, depth)
        expected = on_white(rgb / top, opaque)
        add(name, expected, f"RGB {depth}-bit", 1e-4)
        check_against_pillow(OUT / name, expected, 1e-6 if depth == 8 else 1.0 / 255 + 1e-9)

    rgb = rng.randint(0, 256, size=shape + (3,))
    rgb[2, :] = (10, 200, 30)
    write_png(OUT / "rgb8_trns.png", rgb, 2, 8, trns=struct.pack(">HHH", 10, 200, 30))
    alpha = np.where(np.all(rgb == (10, 200, 30), axis=2), 0.0, 1.0)
    expected = on_white(rgb / 255, alpha)
    add("rgb8_trns.png", expected, "RGB 8-bit with tRNS key colour", 1e-4)
    check_against_pillow(OUT / "rgb8_trns.png", expected, 1e-6)

    for depth in (8, 16):
        top = (1 << depth) - 1
        rgba = rng.randint(0, top + 1, size=shape + (4,))
        rgba[0, 0, 3], rgba[0, 1, 3] = 0, top
        name = f"rgba{depth}.png"
        write_png(OUT / name, rgba, 6, depth)
        expected = on_white(rgba[..., :3] / top, rgba[..., 3] / top)
        add(name, expected, f"RGBA {depth}-bit", 1e-4)
        check_against_pillow(OUT / name, expected, (2.0 if depth == 16 else 1.0) / 255 + 1e-9)

    rgb = rng.randint(0, 256, size=(11, 13, 3))
    write_png(OUT / "rgb8_interlaced.png", rgb, 2, 8, interlace=True)
    expected = on_white(rgb / 255, np.ones(rgb.shape[:2]))
    add("rgb8_interlaced.png", expected, "RGB 8-bit Adam7 interlaced", 1e-4)
    check_against_pillow(OUT / "rgb8_interlaced.png", expected, 1e-6)

    # JPEGs: flat 8x8-aligned colour blocks so values survive compression; expectations are
    # Pillow's decode, and the tests allow a few levels for IDCT differences between libjpeg builds.
    blocks = np.array([[(220, 40, 40), (40, 180, 60), (30, 60, 200)],
                       [(240, 220, 60), (128, 128, 128), (20, 20, 20)]], dtype=np.uint8)
    color = np.kron(blocks, np.ones((16, 16, 1), dtype=np.uint8))  # 32 x 48 pixels
    gray = color.mean(axis=2).astype(np.uint8)
    jpegs = [
        ("baseline.jpg", Image.fromarray(color, "RGB"), dict(quality=92), "JPEG baseline YCbCr 4:2:0"),
        ("baseline444.jpg", Image.fromarray(color, "RGB"), dict(quality=92, subsampling=0), "JPEG baseline 4:4:4"),
        ("progressive.jpg", Image.fromarray(color, "RGB"), dict(quality=92, progressive=True), "JPEG progressive"),
        ("gray.jpg", Image.fromarray(gray, "L"), dict(quality=92), "JPEG gray baseline"),
        ("gray_progressive.jpg", Image.fromarray(gray, "L"), dict(quality=92, progressive=True), "JPEG gray progressive"),
        ("cmyk.jpg", Image.fromarray(color, "RGB").convert("CMYK"), dict(quality=95), "JPEG CMYK (Adobe)"),
    ]
    for name, image, options, kind in jpegs:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", **options)
        (OUT / name).write_bytes(buffer.getvalue())
        with Image.open(OUT / name) as im:
            decoded = np.asarray(im.convert("RGB"), dtype=np.float64) / 255.0
        # Sample block centres, where the colour is flat and codecs agree.
        case = {"kind": kind, "width": int(decoded.shape[1]), "height": int(decoded.shape[0]),
                "tolerance": round(3.0 / 255, 6), "samples": []}
        for by in range(blocks.shape[0]):
            for bx in range(blocks.shape[1]):
                x, y = bx * 16 + 8, by * 16 + 8
                case["samples"].append({"x": x, "y": y, "rgb": [round(float(v), 6) for v in decoded[y, x]]})
        cases[name] = case

    (OUT / "expected.json").write_text(json.dumps({"cases": cases}, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(cases)} fixtures to {OUT}")


if __name__ == "__main__":
    main()
