"""Draws the site's icons into static/: favicon.svg (browsers that take SVG),
favicon-32.png and favicon.ico (those that do not, and the /favicon.ico they
ask for on their own), apple-touch-icon.png (180×180, iOS home screens).

Usage: .venv/bin/python deploy/favicons.py

The mark is a pagoda over a gold water line, in the paper colour on the
site's red: plain shapes, no text, so it needs no font and reads at 16 px. The PNG and ICO files
are committed; run this again only after changing the drawing, which lives in
SHAPES once for both the SVG and the PNGs.
"""

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "static"
RED = "#b0201b"  # --accent in static/css/site.css
PAPER = "#fffdf9"  # --paper
GOLD = "#f2c14e"
GRID = 64  # the drawing's units
RADIUS = 12  # rounded corners of the favicon (not the touch icon: iOS rounds it)
# (x, y, width, height, colour) on the 64-unit grid: a pagoda by the lake
# (雷峰塔 over 西湖, seen from afar): finial, three roofs over three storeys,
# and the water line.
SHAPES = [
    (30, 7, 4, 7, PAPER),
    (20, 14, 24, 4, PAPER),
    (25, 18, 14, 6, PAPER),
    (16, 24, 32, 4, PAPER),
    (22, 28, 20, 7, PAPER),
    (12, 35, 40, 4, PAPER),
    (19, 39, 26, 10, PAPER),
    (8, 52, 48, 4, GOLD),
]


def svg():
    rects = "".join(
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{c}"/>' for x, y, w, h, c in SHAPES
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {GRID} {GRID}">'
        f'<rect width="{GRID}" height="{GRID}" rx="{RADIUS}" fill="{RED}"/>{rects}</svg>\n'
    )


def png(size, rounded=True):
    """Drawn 8 times larger and scaled down, for smooth edges."""
    scale = size * 8 / GRID
    big = Image.new("RGBA", (size * 8, size * 8), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    box = (0, 0, size * 8 - 1, size * 8 - 1)
    if rounded:
        draw.rounded_rectangle(box, radius=RADIUS * scale, fill=RED)
    else:
        draw.rectangle(box, fill=RED)
    for x, y, w, h, colour in SHAPES:
        draw.rectangle(
            (x * scale, y * scale, (x + w) * scale - 1, (y + h) * scale - 1), fill=colour
        )
    return big.resize((size, size), Image.LANCZOS)


def main():
    (STATIC / "favicon.svg").write_text(svg())
    png(32).save(STATIC / "favicon-32.png", optimize=True)
    png(48).save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    # Opaque and square: iOS adds its own corners and would show transparency as black.
    png(180, rounded=False).convert("RGB").save(STATIC / "apple-touch-icon.png", optimize=True)
    for name in ("favicon.svg", "favicon-32.png", "favicon.ico", "apple-touch-icon.png"):
        print(f"static/{name}: {(STATIC / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
