#!/usr/bin/env python3
"""Writes Tests/Fixtures/image_fixtures.json: small JPEG, PNG and GIF files and the pixels that
libjpeg-turbo, libpng and giflib decode them to, through Pillow (which builds on the same
libraries), for Tests/EmberDataTests/ImageTests.swift; and resized images: Pillow's BILINEAR
resize (antialiased when shrinking) and PyTorch's `interpolate(mode="bilinear",
align_corners=False, antialias=False)` rounded to bytes.

Generated with Python 3.11.7, Pillow 13.0.0 (its bundled libjpeg-turbo and zlib) and PyTorch 2.15.0; the
file records the versions. Re-run after changing a case:

    /tmp/benchvenv/bin/pip install pillow torch
    /tmp/benchvenv/bin/python Tests/Fixtures/make_image_fixtures.py

Each case: the file's bytes (base64), its width and height, and the decoded pixels as a flat list
of bytes, interleaved (RGB, or gray decoded by the codec itself where `gray` is given).
"""

import base64
import io
import json
import os
import platform

import PIL
from PIL import Image, features


def pattern(width, height):
    image = Image.new("RGB", (width, height))
    image.putdata([((x * 37 + y * 11) % 256, (x * 5 + y * 53) % 256, (x * y * 7 + 90) % 256)
                   for y in range(height) for x in range(width)])
    return image


cases = {}

jpeg = io.BytesIO()
pattern(19, 13).save(jpeg, "JPEG", quality=80)
data = jpeg.getvalue()
rgb = Image.open(io.BytesIO(data))
rgb.load()
gray = Image.open(io.BytesIO(data))
gray.draft("L", gray.size)  # libjpeg decodes straight to its luma plane
gray.load()
assert gray.mode == "L"
cases["jpeg"] = {"bytes": base64.b64encode(data).decode(), "width": rgb.width, "height": rgb.height,
                 "rgb": list(rgb.convert("RGB").tobytes()), "gray": list(gray.tobytes())}

# A palette GIF with a transparent index (the background color shows through).
palette_image = Image.new("P", (6, 5))
palette = [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 100, 50] + [0] * (256 * 3 - 15)
palette_image.putpalette(palette)
palette_image.putdata([(x + y) % 5 for y in range(5) for x in range(6)])
gif = io.BytesIO()
palette_image.save(gif, "GIF", transparency=4, background=2)
data = gif.getvalue()
decoded = Image.open(io.BytesIO(data))
decoded.load()
# giflib gives palette indices; composite: transparent pixels take the background color.
indices = list(decoded.tobytes())
pal = decoded.getpalette()
background = decoded.info.get("background", 0)
transparent = decoded.info.get("transparency")
expected = []
for i in indices:
    c = background if i == transparent else i
    expected += pal[3 * c:3 * c + 3]
cases["gif"] = {"bytes": base64.b64encode(data).decode(), "width": decoded.width, "height": decoded.height,
                "rgb": expected}

# An RGBA PNG: alpha dropped, as PIL's convert("RGB") (torchvision's ImageFolder loader) does.
rgba = Image.new("RGBA", (4, 3))
rgba.putdata([(10 * x, 20 * y, 200, 255 if (x + y) % 2 else 128) for y in range(3) for x in range(4)])
png = io.BytesIO()
rgba.save(png, "PNG")
data = png.getvalue()
decoded = Image.open(io.BytesIO(data)).convert("RGB")
cases["png.rgba"] = {"bytes": base64.b64encode(data).decode(), "width": 4, "height": 3,
                     "rgb": list(decoded.tobytes())}

# Resizing: the source pattern's pixels and each resized result (interleaved RGB).
import numpy
import torch
source = pattern(19, 13)
resize = {"source": {"width": 19, "height": 13, "rgb": list(source.tobytes())}, "cases": []}
for width, height in [(7, 5), (10, 13), (31, 20), (19, 6)]:
    resized = source.resize((width, height), Image.BILINEAR)
    resize["cases"].append({"width": width, "height": height, "antialias": True, "rgb": list(resized.tobytes())})
for width, height in [(7, 5), (31, 20)]:
    x = torch.tensor(numpy.asarray(source), dtype=torch.float64).permute(2, 0, 1)[None]
    y = torch.nn.functional.interpolate(x, size=(height, width), mode="bilinear", align_corners=False, antialias=False)
    values = y[0].permute(1, 2, 0).round().clamp(0, 255).to(torch.uint8).reshape(-1).tolist()
    resize["cases"].append({"width": width, "height": height, "antialias": False, "rgb": values})

out = {"versions": {"python": platform.python_version(), "pillow": PIL.__version__, "torch": torch.__version__,
                    "libjpeg-turbo": features.version("libjpeg_turbo") or "", "zlib": features.version("zlib") or ""},
       "cases": cases, "resize": resize}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "image_fixtures.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases to {path}")
