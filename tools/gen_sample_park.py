#!/usr/bin/env python3
"""Deterministic generator for the Parkland sample data set.

Writes
    sample_parcels/districts.geojson   3 district outlines (LCX, LJ, WX)
    sample_parcels/parcels.geojson     320-400 fictional land parcels

All names, enterprises, dates and shapes are fictional.  The park is placed in
a river valley around 107 E / 33 N.  Geometry is designed in metres in a local
transverse Mercator plane (one rotated road grid per district) and converted
to WGS84 lon/lat (RFC 7946: no "crs" member, exterior rings counter-clockwise,
holes clockwise, coordinates rounded to 7 decimals).

Requirements:  Python >= 3.9, pyproj >= 3.4, shapely >= 2.0 (numpy comes with
shapely).  Install with:   pip install pyproj shapely
Tested with Python 3.11, pyproj 3.7.2, shapely 2.2.0, numpy 2.4.

Usage:  python3 tools/gen_sample_park.py [output_dir]
        (default output_dir: <repo>/sample_parcels)

The script re-reads what it wrote, asserts every constraint that the Rust
tests rely on, and prints a summary.  It exits non-zero on any violation.
Reruns produce byte-identical files (fixed seed, no set/dict-order
dependence).
"""

import datetime
import json
import math
import os
import random
import re
import sys

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, box, shape
from shapely.geometry.polygon import orient
from shapely.ops import unary_union
from shapely.strtree import STRtree

SEED = 20240611
MU = 10000.0 / 15.0  # 1 亩 in m²

# ---------------------------------------------------------------- targets --
TOTAL_DISTRICT_KM2 = 11.23
IDLE_LOW_MU = 536.0
IDLE_LOW_M2 = IDLE_LOW_MU * MU  # 357 333.33 m²
PARCEL_MIN_MU, PARCEL_MAX_MU = 5.0, 150.0
N_PARCELS_MIN, N_PARCELS_MAX = 320, 400

GAP = 2.0          # clearance between neighbouring parcels inside a block (m)
INSET = 15.0       # setback of all parcels from the district boundary (m)

# Local plane: TM centred on the park.
ORIGIN_LON, ORIGIN_LAT = 107.0, 33.0
LOCAL_CRS = ("+proj=tmerc +lat_0=%r +lon_0=%r +k=1 +x_0=0 +y_0=0 "
             "+ellps=WGS84 +units=m +no_defs" % (ORIGIN_LAT, ORIGIN_LON))
TO_LL = Transformer.from_crs(LOCAL_CRS, "EPSG:4326", always_xy=True)
TO_XY = Transformer.from_crs("EPSG:4326", LOCAL_CRS, always_xy=True)
GEOD = Geod(ellps="WGS84")

# District designs.  `outline` is a hand-drawn concave outline in the
# district's own road-grid frame (metres, arbitrary origin); it is centred on
# its centroid, scaled to the target geodesic area, rotated by `angle` (deg,
# counter-clockwise) and moved to `center` (local TM metres).
# Output order is LCX, LJ, WX.
DISTRICTS = [
    dict(code="LCX", name="梁产城新区", name_en="Liangchan New Town District",
         km2=4.60, angle=-9.0, center=(3150.0, 700.0),
         years=(2012, 2023),
         outline=[(0, 0), (900, -80), (1700, -40), (2600, 60), (2750, 700),
                  (2650, 1300), (2200, 1350), (2150, 1750), (1300, 1900),
                  (700, 1800), (650, 1250), (250, 1200), (-100, 800),
                  (-50, 300)]),
    dict(code="LJ", name="两江工业区", name_en="Liangjiang Industrial District",
         km2=3.90, angle=5.0, center=(-650.0, 150.0),
         years=(2009, 2022),
         outline=[(0, 0), (600, -100), (1300, -50), (1500, 250), (2000, 200),
                  (2500, 300), (2550, 900), (2300, 1550), (1600, 1650),
                  (1000, 1500), (500, 1600), (100, 1300), (-150, 700)]),
    dict(code="WX", name="吴溪工业区", name_en="Wuxi Industrial District",
         km2=2.73, angle=14.0, center=(-4350.0, -650.0),
         years=(2008, 2020),
         outline=[(0, 0), (700, -60), (1350, 0), (1900, 120), (2050, 650),
                  (1950, 1150), (1500, 1250), (1450, 900), (1050, 880),
                  (950, 1380), (400, 1420), (60, 1100), (-80, 600)]),
]
CODES = [d["code"] for d in DISTRICTS]

# Special parcels per district: holed, two-part multipolygon, idle, low-use.
N_HOLED = {"LCX": 4, "LJ": 3, "WX": 3}
N_MULTI = {"LCX": 3, "LJ": 3, "WX": 2}
N_IDLE = {"LCX": 2, "LJ": 3, "WX": 2}     # 闲置  (7)
N_LOW = {"LCX": 2, "LJ": 2, "WX": 2}      # 低效  (6)
N_REVIVED = 15                             # 已盘活

# ---------------------------------------------------------------- helpers --


def ring_area_signed(coords):
    a = 0.0
    for (x1, y1), (x2, y2) in zip(coords[:-1], coords[1:]):
        a += x1 * y2 - x2 * y1
    return a / 2.0


def geod_ring_area(coords):
    lons = [c[0] for c in coords]
    lats = [c[1] for c in coords]
    area, _ = GEOD.polygon_area_perimeter(lons, lats)
    return abs(area)


def geod_area(geom):
    """Geodesic area (m²) of a lon/lat Polygon/MultiPolygon, holes removed."""
    if geom.geom_type == "MultiPolygon":
        return sum(geod_area(p) for p in geom.geoms)
    a = geod_ring_area(list(geom.exterior.coords))
    for h in geom.interiors:
        a -= geod_ring_area(list(h.coords))
    return a


# CGCS2000 3-degree Gauss-Kruger zone 36 (CM 108 E): the plane of the park's registered
# areas, which Parkland's figures use by default.
TO_ZONE_36 = Transformer.from_crs("EPSG:4490", "EPSG:4524", always_xy=True)


def plane_area(geom):
    """Plane area (m²) of a lon/lat Polygon/MultiPolygon in Gauss-Kruger zone 36."""
    return shapely.transform(geom, lambda a: np.column_stack(
        TO_ZONE_36.transform(a[:, 0], a[:, 1]))).area


def reflex_count(coords):
    """Number of reflex (re-entrant) vertices of a closed CCW ring."""
    pts = coords[:-1]
    n = len(pts)
    cnt = 0
    for i in range(n):
        ax, ay = pts[i - 1]
        bx, by = pts[i]
        cx, cy = pts[(i + 1) % n]
        cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx)
        if cross < 0:
            cnt += 1
    return cnt


def n_vertices(ring):
    return len(ring.coords) - 1


def grid_to_local(geom, d):
    """District grid frame -> local TM metres."""
    g = affinity.rotate(geom, d["angle"], origin=(0, 0))
    return affinity.translate(g, d["center"][0], d["center"][1])


def local_to_lonlat(geom):
    def f(arr):
        lon, lat = TO_LL.transform(arr[:, 0], arr[:, 1])
        return np.column_stack([lon, lat])
    return shapely.transform(geom, f)


def lonlat_to_local(geom):
    def f(arr):
        x, y = TO_XY.transform(arr[:, 0], arr[:, 1])
        return np.column_stack([x, y])
    return shapely.transform(geom, f)


def grid_to_lonlat(geom, d):
    return local_to_lonlat(grid_to_local(geom, d))


def rnd_ring(coords):
    return [[round(float(x), 7), round(float(y), 7)] for x, y in coords]


def polygon_rings(poly):
    """RFC 7946 ring list for a lon/lat Polygon (rounded, oriented)."""
    ext = rnd_ring(poly.exterior.coords)
    holes = [rnd_ring(h.coords) for h in poly.interiors]
    if ring_area_signed(ext) < 0:
        ext.reverse()
    out = [ext]
    for h in holes:
        if ring_area_signed(h) > 0:
            h.reverse()
        out.append(h)
    return out


def geojson_geometry(geom):
    if geom.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": polygon_rings(geom)}
    assert geom.geom_type == "MultiPolygon"
    return {"type": "MultiPolygon",
            "coordinates": [polygon_rings(p) for p in geom.geoms]}


def clean(geom):
    """Drop collinear / repeated vertices produced by union/buffer."""
    g = shapely.remove_repeated_points(geom, 0.001)
    return g.simplify(0.01, preserve_topology=True)


# ------------------------------------------------------------- districts --


def build_districts():
    for d in DISTRICTS:
        raw = Polygon(d["outline"])
        c = raw.centroid
        raw = affinity.translate(raw, -c.x, -c.y)
        raw = orient(raw, 1.0)
        target = d["km2"] * 1e6
        s = math.sqrt(target / raw.area)
        for _ in range(6):
            g = affinity.scale(raw, s, s, origin=(0, 0))
            ll = Polygon(polygon_rings(grid_to_lonlat(g, d))[0])
            a = geod_area(ll)
            s *= math.sqrt(target / a)
        d["grid_poly"] = affinity.scale(raw, s, s, origin=(0, 0))
        d["region"] = d["grid_poly"].buffer(-INSET, join_style="mitre")


# --------------------------------------------------------------- parcels --

MODULES_2ROW = [("single", 1, 3.0), ("deep", 1, 2.2), ("wide", 2, 1.1),
                ("L", 2, 3.2), ("U", 3, 1.0), ("big", 2, 0.35),
                ("vacant", 1, 0.25)]


def pick_module(rng, remaining):
    opts = [(m, w, wt) for (m, w, wt) in MODULES_2ROW if w <= remaining]
    tot = sum(o[2] for o in opts)
    r = rng.uniform(0, tot)
    for m, w, wt in opts:
        r -= wt
        if r <= 0:
            return m, w
    return opts[-1][0], opts[-1][1]


def parcel_ok(p, kind="single"):
    if p.is_empty or p.geom_type != "Polygon" or not p.is_valid:
        return False
    if not (PARCEL_MIN_MU * MU * 1.03 <= p.area <= PARCEL_MAX_MU * MU * 0.97):
        return False
    nv = n_vertices(p.exterior)
    if nv < 4 or nv > 10:
        return False
    mrr = p.minimum_rotated_rectangle
    if p.area / mrr.area < (0.6 if kind in ("L", "U") else 0.7):
        return False
    mc = list(mrr.exterior.coords)
    short = min(math.dist(mc[0], mc[1]), math.dist(mc[1], mc[2]))
    if short < 40.0:
        return False  # strip too thin for an industrial plot
    core = p.buffer(-12.0, join_style="mitre")
    if core.is_empty or core.geom_type != "Polygon":
        return False  # sliver or narrow neck
    if core.buffer(12.0, join_style="mitre").area < 0.93 * p.area:
        return False  # spikes / thin appendages
    # no very short edges (ugly clipping artefacts)
    cs = list(p.exterior.coords)
    for (x1, y1), (x2, y2) in zip(cs[:-1], cs[1:]):
        if math.hypot(x2 - x1, y2 - y1) < 6.0:
            return False
    return True


def make_parcel_geom(cells, block_region):
    parts = [c.intersection(block_region) for c in cells]
    u = unary_union([p for p in parts if not p.is_empty])
    if u.is_empty:
        return u
    g = u.buffer(-GAP / 2.0, join_style="mitre")
    return clean(g)


def build_parcels(d, rng):
    region = d["region"]
    minx, miny, maxx, maxy = region.bounds
    xs = []
    x = minx - rng.uniform(20, 140)
    k = 0
    while x < maxx:
        length = rng.uniform(270, 430)
        xs.append((x, x + length))
        k += 1
        x += length + (38.0 if k % 3 == 0 else rng.choice([24.0, 28.0, 32.0]))
    ys = []
    y = miny - rng.uniform(20, 120)
    k = 0
    while y < maxy:
        depth = rng.uniform(230, 310)
        ys.append((y, y + depth))
        k += 1
        y += depth + (36.0 if k % 2 == 0 else rng.choice([24.0, 30.0]))

    parcels = []
    block_no = 0
    for (y0, y1) in ys:
        for (x0, x1) in xs:
            rect = box(x0, y0, x1, y1)
            blk = rect.intersection(region)
            if blk.is_empty or blk.geom_type != "Polygon":
                continue
            frac = blk.area / rect.area
            if frac < 0.30:
                continue
            interior = frac > 0.9999
            block_no += 1
            ysplit = y0 + (y1 - y0) * rng.uniform(0.42, 0.58)
            ncol = max(2, int(round((x1 - x0) / rng.uniform(112, 145))))
            w = [rng.uniform(0.75, 1.25) for _ in range(ncol)]
            sw = sum(w)
            cx = [x0]
            for wi in w:
                cx.append(cx[-1] + (x1 - x0) * wi / sw)
            cx[-1] = x1
            front = [box(cx[i], y0, cx[i + 1], ysplit) for i in range(ncol)]
            back = [box(cx[i], ysplit, cx[i + 1], y1) for i in range(ncol)]

            groups = []  # (kind, [cells], meta)
            i = 0
            while i < ncol:
                m, wcols = pick_module(rng, ncol - i)
                if m == "single":
                    groups.append(("single", [front[i]], {}))
                    groups.append(("single", [back[i]], {}))
                elif m == "deep":
                    groups.append(("deep", [front[i], back[i]],
                                   {"ysplit": ysplit}))
                elif m == "wide":
                    groups.append(("wide", [front[i], front[i + 1]], {}))
                    groups.append(("wide", [back[i], back[i + 1]], {}))
                elif m == "big":
                    groups.append(("big", [front[i], front[i + 1],
                                           back[i], back[i + 1]],
                                   {"ysplit": ysplit}))
                elif m == "L":
                    cells = [front[i], front[i + 1], back[i], back[i + 1]]
                    miss = rng.randrange(4)
                    groups.append(("L", [c for j, c in enumerate(cells)
                                         if j != miss], {}))
                    groups.append(("single", [cells[miss]], {}))
                elif m == "U":
                    if rng.random() < 0.5:   # opening towards the front road
                        groups.append(("U", [back[i], back[i + 1], back[i + 2],
                                             front[i], front[i + 2]], {}))
                        groups.append(("single", [front[i + 1]], {}))
                    else:
                        groups.append(("U", [front[i], front[i + 1],
                                             front[i + 2], back[i],
                                             back[i + 2]], {}))
                        groups.append(("single", [back[i + 1]], {}))
                elif m == "vacant":
                    pass
                i += wcols

            for kind, cells, meta in groups:
                g = make_parcel_geom(cells, blk)
                unclipped = interior or all(
                    c.difference(blk).area < 1e-6 for c in cells)
                if kind in ("L", "U") and not unclipped:
                    g = Polygon()  # keep L/U plots clean: interior blocks only
                if parcel_ok(g, kind):
                    parcels.append(dict(district=d["code"], block=block_no,
                                        kind=kind, grid=g, interior=unclipped,
                                        meta=meta, special=None))
                elif len(cells) > 1:
                    # fall back to the individual cells
                    for c in cells:
                        g1 = make_parcel_geom([c], blk)
                        if parcel_ok(g1):
                            parcels.append(dict(district=d["code"],
                                                block=block_no, kind="single",
                                                grid=g1,
                                                interior=interior or c.difference(blk).area < 1e-6,
                                                meta={}, special=None))
    return parcels


def is_rect(p):
    g = p["grid"]
    return (g.geom_type == "Polygon" and n_vertices(g.exterior) == 4
            and len(g.interiors) == 0 and p["interior"]
            and abs(g.area - g.envelope.area) < 1e-3)


def add_holes(parcels, d, rng, n):
    cands = [p for p in parcels if p["special"] is None and is_rect(p)
             and p["kind"] in ("deep", "big", "wide") and p["grid"].area > 35 * MU]
    rng.shuffle(cands)
    done = 0
    for p in cands:
        if done >= n:
            break
        g = p["grid"]
        bx0, by0, bx1, by1 = g.bounds
        if rng.random() < 0.55:       # retained substation / transformer yard
            hw, hh = rng.uniform(26, 42), rng.uniform(20, 32)
            margin = 14.0
            if bx1 - bx0 < hw + 2 * margin or by1 - by0 < hh + 2 * margin:
                continue
            hx = rng.uniform(bx0 + margin, bx1 - margin - hw)
            hy = rng.uniform(by0 + margin, by1 - margin - hh)
            hole = box(hx, hy, hx + hw, hy + hh)
            what = "substation"
        else:                         # pond, irregular octagon
            r = rng.uniform(14, 24)
            margin = 14.0 + r
            if bx1 - bx0 < 2 * margin + 1 or by1 - by0 < 2 * margin + 1:
                continue
            hx = rng.uniform(bx0 + margin, bx1 - margin)
            hy = rng.uniform(by0 + margin, by1 - margin)
            pts = []
            for k in range(8):
                a = 2 * math.pi * k / 8 + 0.2
                rr = r * rng.uniform(0.8, 1.1)
                pts.append((hx + rr * math.cos(a), hy + rr * math.sin(a)))
            hole = Polygon(pts)
            what = "pond"
        ng = Polygon(g.exterior.coords, [hole.exterior.coords])
        if not ng.is_valid or ng.area < PARCEL_MIN_MU * MU * 1.05:
            continue
        p["grid"] = ng
        p["special"] = "hole"
        p["hole_kind"] = what
        done += 1
    if done < n:
        raise SystemExit("could only place %d holed parcels in %s" % (done, d["code"]))


def add_multis(parcels, d, rng, n):
    cands = [p for p in parcels if p["special"] is None and is_rect(p)
             and p["kind"] in ("deep", "big")]
    rng.shuffle(cands)
    done = 0
    for p in cands:
        if done >= n:
            break
        g = p["grid"]
        bx0, by0, bx1, by1 = g.bounds
        ys = p["meta"]["ysplit"]
        wroad = rng.uniform(12, 18)
        road = box(bx0 - 50, ys - wroad / 2, bx1 + 50, ys + wroad / 2)
        road = affinity.rotate(road, rng.uniform(-7, 7), origin=((bx0 + bx1) / 2, ys))
        mg = clean(g.difference(road))
        if mg.geom_type != "MultiPolygon" or len(mg.geoms) != 2:
            continue
        if min(q.area for q in mg.geoms) < 2000 or not mg.is_valid:
            continue
        if any(n_vertices(q.exterior) > 5 for q in mg.geoms):
            continue
        p["grid"] = mg
        p["special"] = "multi"
        done += 1
    if done < n:
        raise SystemExit("could only place %d multipolygons in %s" % (done, d["code"]))


def pick_idle(parcels, rng):
    """Choose 13 idle/low-use plots and shrink them to total exactly 536 亩 of plane area
    (Gauss-Kruger zone 36, as registered)."""
    by_d = {}
    for p in parcels:
        if (p["special"] is None and is_rect(p)
                and p["kind"] in ("single", "deep", "wide")
                and 22 * MU < p["area"] < 75 * MU):
            by_d.setdefault(p["district"], []).append(p)
    need = {c: N_IDLE[c] + N_LOW[c] for c in CODES}
    best = None
    for _ in range(200000):
        sel = []
        for c in CODES:
            sel.extend(rng.sample(by_d[c], need[c]))
        tot = sum(p["area"] for p in sel)
        if IDLE_LOW_M2 * 1.03 <= tot <= IDLE_LOW_M2 * 1.10:
            best = sel
            break
    if best is None:
        raise SystemExit("no idle selection found")
    originals = [p["grid"] for p in best]
    f = IDLE_LOW_M2 / sum(p["area"] for p in best)
    for _ in range(8):
        tot = 0.0
        for p, g0 in zip(best, originals):
            x0, y0, x1, y1 = g0.bounds
            p["grid"] = affinity.scale(g0, 1.0, f, origin=(x0, y0))
            ll = Polygon(polygon_rings(grid_to_lonlat(p["grid"], DMAP[p["district"]]))[0])
            p["area"] = geod_area(ll)
            tot += plane_area(ll)
        f *= IDLE_LOW_M2 / tot
    # statuses: per district N_IDLE 闲置 then N_LOW 低效
    for c in CODES:
        mine = [p for p in best if p["district"] == c]
        for j, p in enumerate(mine):
            p["status"] = "闲置" if j < N_IDLE[c] else "低效"
            p["special"] = "idle"
    return best, f


# ---------------------------------------------------------------- holders --

ZH_A = "瑞恒鑫嘉宏汇兴泰盛源永康博诚凯隆润裕晟昊卓峻岚禾澜锦"
ZH_B = "丰源通达泰昌盛禾川岭远峰祥瑞鑫嘉诚宇辰茂"
ZH_BLACKLIST = {"华润", "恒大", "顺丰", "宏达", "汇源", "兴达", "永达", "康达",
                "博通", "源通", "恒通", "嘉诚", "诚通", "隆达"}
PLACE_PREFIX = ["梁川", "梁川", "汉梁", "溪南", ""]
IND_INDUSTRY = ["食品", "魔芋制品", "茶业", "中药材加工", "新材料", "机械制造",
                "电子科技", "包装材料", "生物科技", "新型建材", "纺织", "制药",
                "汽车零部件", "钢结构", "环保科技", "光电科技", "精密铸造",
                "塑业", "木业", "饮品", "铝业", "电缆", "农产品加工", "服饰",
                "家具制造", "新能源科技", "印务", "粮油", "装备制造", "医疗器械"]
WARE_INDUSTRY = ["物流", "仓储", "供应链管理", "冷链物流", "物资储运"]
COMM_INDUSTRY = ["商贸", "酒店管理", "置业", "商业管理", "餐饮管理"]


def make_holder(rng, used, land_use):
    ind = {"工业用地": IND_INDUSTRY, "仓储用地": WARE_INDUSTRY,
           "商服用地": COMM_INDUSTRY}[land_use]
    for _ in range(1000):
        a, b = rng.choice(ZH_A), rng.choice(ZH_B)
        if a == b or a + b in ZH_BLACKLIST:
            continue
        r = rng.random()
        suffix = "有限公司" if r < 0.85 else ("有限责任公司" if r < 0.95 else "股份有限公司")
        name = rng.choice(PLACE_PREFIX) + a + b + rng.choice(ind) + suffix
        if name not in used:
            used.add(name)
            return name
    raise SystemExit("holder names exhausted")


def rand_date(rng, y0, y1):
    start = datetime.date(y0, 1, 1).toordinal()
    end = datetime.date(y1, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end)).isoformat()


# ----------------------------------------------------------------- output --

def write_fc(path, features):
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":"))
             for f in features]
    text = ('{"type":"FeatureCollection","features":[\n'
            + ",\n".join(lines) + "\n]}\n")
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


DMAP = {d["code"]: d for d in DISTRICTS}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "sample_parcels")
    out_dir = os.path.normpath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(SEED)

    build_districts()

    parcels = []
    for d in DISTRICTS:
        ps = build_parcels(d, rng)
        for p in ps:
            p["area"] = geod_area(Polygon(polygon_rings(grid_to_lonlat(p["grid"], d))[0]))
        parcels.extend(ps)
    for d in DISTRICTS:
        mine = [p for p in parcels if p["district"] == d["code"]]
        add_multis(mine, d, rng, N_MULTI[d["code"]])
        add_holes(mine, d, rng, N_HOLED[d["code"]])
    idle, f_idle = pick_idle(parcels, rng)

    # numbering: <code>-<block:02d><seq:02d>
    per_block = {}
    for p in parcels:
        key = (p["district"], p["block"])
        per_block[key] = per_block.get(key, 0) + 1
        assert p["block"] <= 99 and per_block[key] <= 99
        p["no"] = "%s-%02d%02d" % (p["district"], p["block"], per_block[key])

    # land use
    n = len(parcels)
    others = [p for p in parcels if p["special"] != "idle"]
    n_comm = int(round(0.05 * n))
    n_ware = int(round(0.10 * n))
    comm_pool = ([p for p in others if p["district"] == "LCX" and p["special"] is None]
                 + [p for p in others if p["district"] != "LCX" and p["special"] is None])
    n_comm_lcx = int(round(n_comm * 0.7))
    lcx_pool = [p for p in comm_pool if p["district"] == "LCX"]
    oth_pool = [p for p in comm_pool if p["district"] != "LCX"]
    comm = rng.sample(lcx_pool, n_comm_lcx) + rng.sample(oth_pool, n_comm - n_comm_lcx)
    for p in comm:
        p["land_use"] = "商服用地"
    rest = [p for p in others if "land_use" not in p]
    for p in rng.sample(rest, n_ware):
        p["land_use"] = "仓储用地"
    for p in parcels:
        p.setdefault("land_use", "工业用地")

    # status
    pool = [p for p in others if p["land_use"] != "商服用地"]
    for p in rng.sample(pool, N_REVIVED):
        p["status"] = "已盘活"
    for p in parcels:
        p.setdefault("status", "在用")

    # holders and dates
    used = set()
    prev = {}
    for p in parcels:
        key = (p["district"], p["land_use"])
        if prev.get(key) and rng.random() < 0.07:
            p["holder"] = rng.choice(prev[key])
        else:
            p["holder"] = make_holder(rng, used, p["land_use"])
            prev.setdefault(key, []).append(p["holder"])
        y0, y1 = DMAP[p["district"]]["years"]
        if p["status"] in ("闲置", "低效"):
            y0, y1 = max(y0, 2009), min(y1, 2017)
        elif p["status"] == "已盘活":
            y1 = min(y1, 2019)
        p["supplied_on"] = rand_date(rng, y0, y1)

    # features
    dfeats = []
    for d in DISTRICTS:
        ll = grid_to_lonlat(d["grid_poly"], d)
        dfeats.append({"type": "Feature", "id": d["code"],
                       "properties": {"code": d["code"], "name": d["name"],
                                      "name_en": d["name_en"]},
                       "geometry": geojson_geometry(ll)})
    pfeats = []
    for p in parcels:
        ll = grid_to_lonlat(p["grid"], DMAP[p["district"]])
        pfeats.append({"type": "Feature", "id": p["no"],
                       "properties": {"parcel_no": p["no"],
                                      "district": p["district"],
                                      "holder": p["holder"],
                                      "land_use": p["land_use"],
                                      "supplied_on": p["supplied_on"],
                                      "status": p["status"]},
                       "geometry": geojson_geometry(ll)})
    dpath = os.path.join(out_dir, "districts.geojson")
    ppath = os.path.join(out_dir, "parcels.geojson")
    write_fc(dpath, dfeats)
    write_fc(ppath, pfeats)

    block_of = {p["no"]: (p["district"], p["block"]) for p in parcels}
    kind_of = {p["no"]: p["kind"] for p in parcels}
    verify(dpath, ppath, block_of, kind_of, f_idle)


# ----------------------------------------------------------------- checks --

class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def check_rings(rings, where):
    for k, ring in enumerate(rings):
        check(len(ring) >= 4, "%s: ring too short" % where)
        check(ring[0] == ring[-1], "%s: ring not closed" % where)
        for x, y in ring:
            check(round(x, 7) == x and round(y, 7) == y, "%s: not rounded" % where)
        a = ring_area_signed(ring)
        if k == 0:
            check(a > 0, "%s: exterior not CCW" % where)
        else:
            check(a < 0, "%s: hole not CW" % where)


def verify(dpath, ppath, block_of, kind_of, f_idle):
    for path in (dpath, ppath):
        raw = open(path, "rb").read()
        check(not raw.startswith(b"\xef\xbb\xbf"), "BOM in " + path)
        raw.decode("utf-8")
    dfc = json.load(open(dpath, encoding="utf-8"))
    pfc = json.load(open(ppath, encoding="utf-8"))
    for fc in (dfc, pfc):
        check(fc.get("type") == "FeatureCollection", "not a FeatureCollection")
        check("crs" not in fc, "crs member present")

    # districts
    dfs = dfc["features"]
    check(len(dfs) == 3, "need 3 districts")
    names = {"LCX": ("梁产城新区", "Liangchan New Town District"),
             "LJ": ("两江工业区", "Liangjiang Industrial District"),
             "WX": ("吴溪工业区", "Wuxi Industrial District")}
    dgeo, darea = {}, {}
    for f in dfs:
        pr = f["properties"]
        code = pr["code"]
        check(code in names and f["id"] == code, "district id/code")
        check((pr["name"], pr["name_en"]) == names[code], "district names")
        g = f["geometry"]
        check(g["type"] == "Polygon" and len(g["coordinates"]) == 1, "district geometry type")
        check_rings(g["coordinates"], code)
        poly = shape(g)
        check(poly.is_valid, "district invalid " + code)
        nv = len(g["coordinates"][0]) - 1
        check(10 <= nv <= 25, "district %s has %d vertices" % (code, nv))
        check(reflex_count(g["coordinates"][0]) >= 1, "district %s not concave" % code)
        dgeo[code] = poly
        darea[code] = abs(GEOD.geometry_area_perimeter(poly)[0])
    check(set(dgeo) == set(names), "district codes")
    total = sum(darea.values())
    check(abs(total - TOTAL_DISTRICT_KM2 * 1e6) <= TOTAL_DISTRICT_KM2 * 1e6 * 0.001,
          "district total %.1f m²" % total)
    dloc = {c: lonlat_to_local(g) for c, g in dgeo.items()}
    seps = {}
    for i, a in enumerate(CODES):
        for b in CODES[i + 1:]:
            check(not dgeo[a].intersects(dgeo[b]), "districts %s/%s touch" % (a, b))
            seps[(a, b)] = dloc[a].distance(dloc[b])
    near = sorted(seps.items(), key=lambda kv: kv[1])
    check(200 <= near[0][1] <= 5000 and 200 <= near[1][1] <= 5000,
          "district separations %r" % seps)
    allx = unary_union(list(dloc.values())).bounds
    span = math.hypot(allx[2] - allx[0], allx[3] - allx[1])

    # parcels
    pfs = pfc["features"]
    check(N_PARCELS_MIN <= len(pfs) <= N_PARCELS_MAX, "parcel count %d" % len(pfs))
    seen = set()
    geoms, stats = [], {c: dict(n=0, lu=0, holed=0, multi=0, concave=0, area=0.0)
                        for c in CODES}
    lu_cnt, st_cnt = {}, {}
    idle_area, idle_by_d = 0.0, {}
    holders = {}
    sides_ok = 0
    sides_total = 0
    for f in pfs:
        pr = f["properties"]
        no = pr["parcel_no"]
        check(set(pr) == {"parcel_no", "district", "holder", "land_use",
                          "supplied_on", "status"}, "properties of " + no)
        check(f["id"] == no, "id != parcel_no " + no)
        check(no not in seen, "duplicate " + no)
        seen.add(no)
        m = re.fullmatch(r"(LCX|LJ|WX)-(\d{4})", no)
        check(m is not None and m.group(1) == pr["district"], "parcel_no " + no)
        check(re.fullmatch(r"\d{4}-\d{2}-\d{2}", pr["supplied_on"]) is not None, "date " + no)
        dt = datetime.date.fromisoformat(pr["supplied_on"])
        check(datetime.date(2008, 1, 1) <= dt <= datetime.date(2023, 12, 31), "date range " + no)
        check(pr["land_use"] in ("工业用地", "仓储用地", "商服用地"), "land_use " + no)
        check(pr["status"] in ("在用", "闲置", "低效", "已盘活"), "status " + no)
        check(pr["holder"].endswith("公司") and len(pr["holder"]) >= 8, "holder " + no)
        holders[pr["holder"]] = holders.get(pr["holder"], 0) + 1
        g = f["geometry"]
        if g["type"] == "Polygon":
            polys = [g["coordinates"]]
        else:
            check(g["type"] == "MultiPolygon", "geometry type " + no)
            polys = g["coordinates"]
        for rings in polys:
            check_rings(rings, no)
            for ring in rings[:1]:
                sides_total += 1
                if 4 <= len(ring) - 1 <= 8:
                    sides_ok += 1
        geom = shape(g)
        check(geom.is_valid, "invalid geometry " + no)
        d = pr["district"]
        check(geom.within(dgeo[d]), "%s not within %s" % (no, d))
        for c in CODES:
            if c != d:
                check(not geom.intersects(dgeo[c]), "%s touches %s" % (no, c))
        a = geod_area(geom)
        check(abs(a - abs(GEOD.geometry_area_perimeter(geom)[0])) < 0.5, "pyproj area mismatch " + no)
        check(PARCEL_MIN_MU * MU <= a <= PARCEL_MAX_MU * MU, "%s area %.1f 亩" % (no, a / MU))
        s = stats[d]
        s["n"] += 1
        s["area"] += a
        if g["type"] == "MultiPolygon":
            check(len(polys) == 2 and all(len(r) == 1 for r in polys), "multi parts " + no)
            s["multi"] += 1
        elif len(polys[0]) == 2:
            hole = Polygon(polys[0][1])
            check(Polygon(polys[0][0]).contains(hole), "hole not inside " + no)
            s["holed"] += 1
        else:
            check(len(polys[0]) == 1, "more than one hole " + no)
            ext = polys[0][0]
            if reflex_count(ext) >= 1:
                s["concave"] += 1
                if kind_of[no] in ("L", "U") and len(ext) - 1 in (6, 8):
                    s["lu"] += 1
        lu_cnt[pr["land_use"]] = lu_cnt.get(pr["land_use"], 0) + 1
        st_cnt[pr["status"]] = st_cnt.get(pr["status"], 0) + 1
        if pr["status"] in ("闲置", "低效"):
            check(pr["land_use"] == "工业用地", "idle parcel not industrial " + no)
            idle_area += plane_area(geom)
            idle_by_d[d] = idle_by_d.get(d, 0) + 1
        geoms.append((no, geom))

    # no overlaps (not even touching), and road corridors between blocks
    tree = STRtree([g for _, g in geoms])
    for i, (no, g) in enumerate(geoms):
        for j in tree.query(g):
            if j != i:
                check(not g.intersects(geoms[j][1]), "%s intersects %s" % (no, geoms[j][0]))
    loc = [lonlat_to_local(g) for _, g in geoms]
    tree2 = STRtree(loc)
    min_road = 1e9
    min_gap = 1e9
    for i, g in enumerate(loc):
        for j in tree2.query(g.buffer(60)):
            if j <= i:
                continue
            dist = g.distance(loc[j])
            if block_of[geoms[i][0]] != block_of[geoms[j][0]]:
                min_road = min(min_road, dist)
            else:
                min_gap = min(min_gap, dist)
    check(min_road >= 20.0, "road corridor only %.1f m" % min_road)

    n = len(pfs)
    tot_lu = sum(s["lu"] for s in stats.values())
    tot_holed = sum(s["holed"] for s in stats.values())
    tot_multi = sum(s["multi"] for s in stats.values())
    check(tot_lu >= 30, "only %d L/U parcels" % tot_lu)
    check(tot_holed >= 8, "only %d holed parcels" % tot_holed)
    check(tot_multi >= 6, "only %d multipolygons" % tot_multi)
    check(sides_ok >= 0.85 * sides_total, "too many odd-sided parcels")
    check(st_cnt.get("闲置", 0) + st_cnt.get("低效", 0) == 13, "idle+low count")
    check(set(idle_by_d) == set(CODES), "idle parcels not in all districts")
    check(abs(idle_area - IDLE_LOW_M2) <= IDLE_LOW_M2 * 0.002,
          "idle+low area %.1f m²" % idle_area)
    check(10 <= st_cnt.get("已盘活", 0) <= 20, "已盘活 count")
    check(0.80 <= lu_cnt["工业用地"] / n <= 0.90, "industrial share")
    check(0.07 <= lu_cnt["仓储用地"] / n <= 0.13, "warehouse share")
    check(0.03 <= lu_cnt["商服用地"] / n <= 0.07, "commercial share")
    shared = sum(1 for v in holders.values() if v > 1)
    check(1 <= shared <= 40, "shared holders %d" % shared)

    # summary
    print("Parkland sample data  (seed %d)" % SEED)
    print("  %s  %d bytes" % (dpath, os.path.getsize(dpath)))
    print("  %s  %d bytes" % (ppath, os.path.getsize(ppath)))
    print()
    print("%-4s %14s %9s %8s %7s %5s %6s %6s %8s %12s" % (
        "code", "area m²", "km²", "parcels", "concave", "L/U", "holed", "multi",
        "idle/low", "parcels 亩"))
    for c in CODES:
        s = stats[c]
        print("%-4s %14.1f %9.4f %8d %7d %5d %6d %6d %8d %12.1f" % (
            c, darea[c], darea[c] / 1e6, s["n"], s["concave"], s["lu"], s["holed"],
            s["multi"], idle_by_d.get(c, 0), s["area"] / MU))
    print("%-4s %14.1f %9.4f %8d %7d %5d %6d %6d %8d %12.1f" % (
        "all", total, total / 1e6, n, sum(s["concave"] for s in stats.values()),
        tot_lu, tot_holed, tot_multi, sum(idle_by_d.values()),
        sum(s["area"] for s in stats.values()) / MU))
    print()
    print("district total %.6f km² (target %.2f, deviation %+.4f%%)" % (
        total / 1e6, TOTAL_DISTRICT_KM2, (total / 1e6 / TOTAL_DISTRICT_KM2 - 1) * 100))
    print("district separations: " + ", ".join(
        "%s-%s %.0f m" % (a, b, v) for (a, b), v in seps.items())
        + "; overall extent %.1f km" % (span / 1000))
    print("idle+low: %d parcels (闲置 %d, 低效 %d), %.1f m² = %.3f 亩 "
          "(target 536, deviation %+.4f%%; depth factor %.4f)" % (
              st_cnt.get("闲置", 0) + st_cnt.get("低效", 0), st_cnt.get("闲置", 0),
              st_cnt.get("低效", 0), idle_area, idle_area / MU,
              (idle_area / IDLE_LOW_M2 - 1) * 100, f_idle))
    print("status: " + ", ".join("%s %d" % (k, st_cnt.get(k, 0))
                                 for k in ("在用", "闲置", "低效", "已盘活")))
    print("land use: " + ", ".join("%s %d (%.1f%%)" % (k, lu_cnt.get(k, 0), 100 * lu_cnt.get(k, 0) / n)
                                   for k in ("工业用地", "仓储用地", "商服用地")))
    print("holders: %d distinct, %d shared by 2+ parcels" % (len(holders), shared))
    print("rings with 4-8 vertices: %d of %d; min road corridor %.1f m, "
          "min gap inside blocks %.1f m" % (sides_ok, sides_total, min_road, min_gap))
    print("all checks passed")


if __name__ == "__main__":
    try:
        main()
    except Fail as e:
        print("CONSTRAINT VIOLATED: %s" % e, file=sys.stderr)
        sys.exit(1)
