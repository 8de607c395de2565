//! GeoPackage binary geometry (OGC 12-128r18 §2.1.3): a `GP` header with the SRS id and an
//! optional envelope, then ISO well-known binary (WKB).
//!
//! Header layout: `b"GP"`, version `0`, a flags byte, the `srs_id` (i32) and the envelope
//! (`[minx, maxx, miny, maxy]` and optionally z and m ranges, f64), in the byte order of flag
//! bit 0. Flags, from bit 7 down: two reserved bits, `X` (extended type), `E` (empty),
//! three bits of envelope code (0 none, 1 xy, 2 xyz, 3 xym, 4 xyzm), `B` (1 = little endian).
//!
//! We write little-endian `MultiPolygon` WKB with an xy envelope, exteriors counter-clockwise
//! and holes clockwise (the right-hand rule of RFC 7946 and GeoPackage 1.4). We read Polygon and
//! `MultiPolygon` in either byte order, with Z and M dropped (ISO codes 1003/2003/3003 and the
//! EWKB flag bits); any other geometry type is named so that the caller can report it.
//!
//! ```
//! use geo::{MultiPolygon, polygon};
//! use parkland::formats::gpkg::binary::{Decoded, decode_gp, encode_gp_multipolygon};
//! let square = MultiPolygon::new(vec![polygon![
//!     (x: 107.0, y: 33.0), (x: 107.01, y: 33.0), (x: 107.01, y: 33.01), (x: 107.0, y: 33.01)
//! ]]);
//! let mut blob = Vec::new();
//! let envelope = encode_gp_multipolygon(&square, 4326, &mut blob);
//! assert_eq!(envelope, Some([107.0, 107.01, 33.0, 33.01]));
//! let Ok(decoded) = decode_gp(&blob) else { panic!() };
//! assert_eq!(decoded.srs_id, 4326);
//! let Decoded::Polygons(polygons) = decoded.geometry else { panic!() };
//! assert_eq!(polygons[0][0].len(), 5);
//! ```

use geo::{Coord, LineString, MultiPolygon};

/// Polygons as rings of `[x, y]` positions: what the readers turn into `geo` types.
pub type RawPolygon = Vec<Vec<[f64; 2]>>;

/// WKB geometry type codes (OGC simple features, 2D).
const WKB_POLYGON: u32 = 3;
const WKB_MULTIPOLYGON: u32 = 6;

/// Envelope code 1 (`[minx, maxx, miny, maxy]`), little-endian header.
const FLAGS_XY_ENVELOPE_LE: u8 = 0b0000_0011;
/// Empty flag, no envelope, little-endian header.
const FLAGS_EMPTY_LE: u8 = 0b0001_0001;

/// Appends the GeoPackage binary of `geometry` to `out` and returns its envelope
/// `[minx, maxx, miny, maxy]` (`None` for an empty geometry, which is flagged empty).
pub fn encode_gp_multipolygon(
    geometry: &MultiPolygon<f64>,
    srs_id: i32,
    out: &mut Vec<u8>,
) -> Option<[f64; 4]> {
    let envelope = envelope(geometry);
    out.extend_from_slice(b"GP");
    out.push(0);
    if let Some(e) = envelope {
        out.push(FLAGS_XY_ENVELOPE_LE);
        out.extend_from_slice(&srs_id.to_le_bytes());
        for v in e {
            out.extend_from_slice(&v.to_le_bytes());
        }
    } else {
        out.push(FLAGS_EMPTY_LE);
        out.extend_from_slice(&srs_id.to_le_bytes());
    }
    encode_wkb_multipolygon(geometry, out);
    envelope
}

/// Appends little-endian WKB of a `MultiPolygon`, rings oriented by the right-hand rule.
pub fn encode_wkb_multipolygon(geometry: &MultiPolygon<f64>, out: &mut Vec<u8>) {
    let positions: usize = geometry
        .0
        .iter()
        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
        .sum();
    out.reserve(9 + geometry.0.len() * 9 + positions * 16);
    out.push(1);
    out.extend_from_slice(&WKB_MULTIPOLYGON.to_le_bytes());
    push_count(out, geometry.0.len());
    for polygon in &geometry.0 {
        out.push(1);
        out.extend_from_slice(&WKB_POLYGON.to_le_bytes());
        push_count(out, 1 + polygon.interiors().len());
        push_ring(out, polygon.exterior(), true);
        for hole in polygon.interiors() {
            push_ring(out, hole, false);
        }
    }
}

fn push_count(out: &mut Vec<u8>, n: usize) {
    // A count beyond u32 cannot come from a parcel file; saturate rather than wrap.
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

fn push_ring(out: &mut Vec<u8>, ring: &LineString<f64>, exterior: bool) {
    push_count(out, ring.0.len());
    let mut put = |c: &Coord<f64>| {
        out.extend_from_slice(&c.x.to_le_bytes());
        out.extend_from_slice(&c.y.to_le_bytes());
    };
    if needs_reversal(ring, exterior) {
        ring.0.iter().rev().for_each(&mut put);
    } else {
        ring.0.iter().for_each(&mut put);
    }
}

/// Whether a ring must be written backwards to follow the right-hand rule (exteriors
/// counter-clockwise, holes clockwise). Degenerate rings (zero area) are left as they are.
#[must_use]
pub fn needs_reversal(ring: &LineString<f64>, exterior: bool) -> bool {
    let twice_area = signed_twice_area(ring);
    if exterior {
        twice_area < 0.0
    } else {
        twice_area > 0.0
    }
}

/// Twice the signed planar area (shoelace), positive for counter-clockwise rings.
fn signed_twice_area(ring: &LineString<f64>) -> f64 {
    let Some(origin) = ring.0.first() else {
        return 0.0;
    };
    // Relative to the first position, so that large projected coordinates lose no precision.
    ring.0
        .windows(2)
        .map(|w| {
            let (a, b) = (w[0] - *origin, w[1] - *origin);
            a.x * b.y - b.x * a.y
        })
        .sum()
}

/// `[minx, maxx, miny, maxy]` of every position, or `None` when there is none.
#[must_use]
pub fn envelope(geometry: &MultiPolygon<f64>) -> Option<[f64; 4]> {
    let mut coords = geometry
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.0.iter());
    let first = coords.next()?;
    Some(coords.fold([first.x, first.x, first.y, first.y], |e, c| {
        [e[0].min(c.x), e[1].max(c.x), e[2].min(c.y), e[3].max(c.y)]
    }))
}

/// A decoded GeoPackage geometry blob.
#[derive(Debug, Clone, PartialEq)]
pub struct GpGeometry {
    pub srs_id: i32,
    /// The header's empty flag.
    pub empty: bool,
    /// `[minx, maxx, miny, maxy]` when the header carries an envelope.
    pub envelope: Option<[f64; 4]>,
    pub geometry: Decoded,
}

/// What the WKB holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// A Polygon (one element) or a `MultiPolygon`; an empty one has no elements.
    Polygons(Vec<RawPolygon>),
    /// Another geometry type, by its WKB name (`Point`, `LineString`, `CurvePolygon`, ...).
    Other(&'static str),
}

/// Why a blob could not be decoded, said for a land officer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GeometryError(pub String);

fn err<T>(text: impl Into<String>) -> Result<T, GeometryError> {
    Err(GeometryError(text.into()))
}

/// Decodes a GeoPackage geometry blob. Never panics, whatever the bytes.
pub fn decode_gp(blob: &[u8]) -> Result<GpGeometry, GeometryError> {
    let mut reader = Reader::new(blob);
    let magic = reader.take(2).unwrap_or_default();
    if magic != b"GP" {
        return err(if blob.first() == Some(&0) && blob.get(38) == Some(&0x7C) {
            "the geometry is a SpatiaLite blob, not GeoPackage binary".to_owned()
        } else if matches!(blob.first(), Some(0 | 1)) {
            "the geometry is plain WKB without the GeoPackage header (\"GP\")".to_owned()
        } else {
            format!(
                "the geometry blob does not start with \"GP\" (it starts with {}); not GeoPackage binary",
                hex_prefix(blob)
            )
        });
    }
    let Some(version) = reader.u8() else {
        return err("the geometry blob is cut short in its header");
    };
    if version != 0 {
        return err(format!(
            "GeoPackage binary version {version} is not supported (only 0)"
        ));
    }
    let Some(flags) = reader.u8() else {
        return err("the geometry blob is cut short in its header");
    };
    if flags & 0b0010_0000 != 0 {
        return err(
            "the geometry uses the extended GeoPackage geometry type (flag X); not supported",
        );
    }
    let little = flags & 1 == 1;
    let empty = flags & 0b0001_0000 != 0;
    let doubles = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 4,
        2 | 3 => 6,
        4 => 8,
        code => {
            return err(format!(
                "invalid envelope code {code} in the geometry header"
            ));
        }
    };
    let Some(srs_id) = reader.u32(little) else {
        return err("the geometry blob is cut short in its header");
    };
    let mut values = [0.0_f64; 8];
    for value in values.iter_mut().take(doubles) {
        let Some(v) = reader.f64(little) else {
            return err("the geometry blob is cut short in its envelope");
        };
        *value = v;
    }
    let envelope = (doubles > 0).then(|| [values[0], values[1], values[2], values[3]]);
    if reader.remaining() == 0 {
        if empty {
            return Ok(GpGeometry {
                srs_id: srs_id.cast_signed(),
                empty,
                envelope,
                geometry: Decoded::Polygons(Vec::new()),
            });
        }
        return err("the geometry blob has a header but no WKB");
    }
    let geometry = decode_wkb(reader.rest())?;
    Ok(GpGeometry {
        srs_id: srs_id.cast_signed(),
        empty,
        envelope,
        geometry,
    })
}

/// Decodes WKB (ISO, or EWKB flags): Polygon and `MultiPolygon` to rings; other types named.
pub fn decode_wkb(wkb: &[u8]) -> Result<Decoded, GeometryError> {
    let mut reader = Reader::new(wkb);
    let header = read_type(&mut reader)?;
    match header.base {
        WKB_POLYGON => Ok(Decoded::Polygons(vec![read_polygon_body(
            &mut reader,
            &header,
            None,
        )?])),
        WKB_MULTIPOLYGON => {
            let Some(n) = reader.u32(header.little) else {
                return err("the WKB is cut short at its polygon count");
            };
            // Each part takes at least 9 bytes: refuse counts the blob cannot hold.
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            if n > reader.remaining() / 9 {
                return err(format!(
                    "the WKB claims {n} polygons but has room for at most {}",
                    reader.remaining() / 9
                ));
            }
            let mut polygons = Vec::with_capacity(n);
            for part in 0..n {
                let inner = read_type(&mut reader)?;
                if inner.base != WKB_POLYGON {
                    return err(format!(
                        "part {part} of the MultiPolygon is a {}, not a Polygon",
                        type_name(inner.base)
                    ));
                }
                polygons.push(read_polygon_body(&mut reader, &inner, Some(part))?);
            }
            Ok(Decoded::Polygons(polygons))
        }
        other => Ok(Decoded::Other(type_name(other))),
    }
}

struct TypeHeader {
    little: bool,
    base: u32,
    /// Doubles per position: 2 (xy), 3 (xyz or xym) or 4 (xyzm).
    dims: usize,
}

fn read_type(reader: &mut Reader<'_>) -> Result<TypeHeader, GeometryError> {
    let little = match reader.u8() {
        Some(1) => true,
        Some(0) => false,
        Some(other) => {
            return err(format!(
                "the WKB byte-order mark is {other}, where 0 or 1 was expected"
            ));
        }
        None => return err("the WKB is empty"),
    };
    let Some(code) = reader.u32(little) else {
        return err("the WKB is cut short at its geometry type");
    };
    // EWKB (PostGIS) flags in the high bits, then ISO thousands.
    let ewkb_z = code & 0x8000_0000 != 0;
    let ewkb_m = code & 0x4000_0000 != 0;
    if code & 0x2000_0000 != 0 && reader.u32(little).is_none() {
        return err("the WKB is cut short at its SRID");
    }
    let iso = code & 0x0FFF_FFFF;
    let (base, iso_dims) = (iso % 1000, iso / 1000);
    let dims = match (iso_dims, ewkb_z, ewkb_m) {
        (0, false, false) => 2,
        (1 | 2, false, false) | (0, true, false) | (0, false, true) => 3,
        (3, false, false) | (0, true, true) => 4,
        _ => return err(format!("unknown WKB geometry type code {code}")),
    };
    Ok(TypeHeader { little, base, dims })
}

fn read_polygon_body(
    reader: &mut Reader<'_>,
    header: &TypeHeader,
    part: Option<usize>,
) -> Result<RawPolygon, GeometryError> {
    let where_part = part.map(|i| format!("part {i}, ")).unwrap_or_default();
    let Some(rings) = reader.u32(header.little) else {
        return err(format!(
            "{where_part}the WKB is cut short at its ring count"
        ));
    };
    let rings = usize::try_from(rings).unwrap_or(usize::MAX);
    if rings > reader.remaining() / 4 {
        return err(format!(
            "{where_part}the WKB claims {rings} rings but has room for at most {}",
            reader.remaining() / 4
        ));
    }
    let stride = header.dims * 8;
    let mut out = Vec::with_capacity(rings);
    for r in 0..rings {
        let name = if r == 0 {
            format!("{where_part}exterior ring")
        } else {
            format!("{where_part}hole {r}")
        };
        let Some(n) = reader.u32(header.little) else {
            return err(format!(
                "{name}: the WKB is cut short at its position count"
            ));
        };
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        if n > reader.remaining() / stride {
            return err(format!(
                "{name} claims {n} positions but the WKB has room for {}; the blob is damaged or cut short",
                reader.remaining() / stride
            ));
        }
        let mut ring = Vec::with_capacity(n);
        for p in 0..n {
            let (Some(x), Some(y)) = (reader.f64(header.little), reader.f64(header.little)) else {
                return err(format!("{name}, position {p}: the WKB is cut short"));
            };
            reader.skip((header.dims - 2) * 8);
            if !(x.is_finite() && y.is_finite()) {
                return err(format!(
                    "{name}, position {p}: [{x}, {y}] is not a pair of numbers"
                ));
            }
            ring.push([x, y]);
        }
        out.push(ring);
    }
    Ok(out)
}

fn type_name(base: u32) -> &'static str {
    match base {
        0 => "Geometry",
        1 => "Point",
        2 => "LineString",
        3 => "Polygon",
        4 => "MultiPoint",
        5 => "MultiLineString",
        6 => "MultiPolygon",
        7 => "GeometryCollection",
        8 => "CircularString",
        9 => "CompoundCurve",
        10 => "CurvePolygon",
        11 => "MultiCurve",
        12 => "MultiSurface",
        15 => "PolyhedralSurface",
        16 => "TIN",
        17 => "Triangle",
        _ => "geometry of an unknown type",
    }
}

fn hex_prefix(bytes: &[u8]) -> String {
    let shown: Vec<String> = bytes.iter().take(4).map(|b| format!("{b:02X}")).collect();
    if shown.is_empty() {
        "nothing".to_owned()
    } else {
        format!("0x{}", shown.join(""))
    }
}

/// A cursor over bytes that returns `None` instead of reading past the end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }

    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.at..).unwrap_or_default()
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(slice)
    }

    fn skip(&mut self, n: usize) {
        self.at = self.at.saturating_add(n);
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).and_then(|b| b.first().copied())
    }

    fn u32(&mut self, little: bool) -> Option<u32> {
        let bytes: [u8; 4] = self.take(4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(bytes)
        } else {
            u32::from_be_bytes(bytes)
        })
    }

    fn f64(&mut self, little: bool) -> Option<f64> {
        let bytes: [u8; 8] = self.take(8)?.try_into().ok()?;
        Some(if little {
            f64::from_le_bytes(bytes)
        } else {
            f64::from_be_bytes(bytes)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    fn square_with_hole() -> MultiPolygon<f64> {
        // Exterior clockwise and hole counter-clockwise: both must be turned round.
        let exterior = LineString::from(vec![
            (0.0, 0.0),
            (0.0, 10.0),
            (10.0, 10.0),
            (10.0, 0.0),
            (0.0, 0.0),
        ]);
        let hole = LineString::from(vec![
            (2.0, 2.0),
            (4.0, 2.0),
            (4.0, 4.0),
            (2.0, 4.0),
            (2.0, 2.0),
        ]);
        MultiPolygon::new(vec![
            Polygon::new(exterior, vec![hole]),
            Polygon::new(
                LineString::from(vec![(20.0, 0.0), (21.0, 0.0), (21.0, 1.0), (20.0, 0.0)]),
                vec![],
            ),
        ])
    }

    fn polygons(blob: &[u8]) -> Vec<RawPolygon> {
        match decode_gp(blob) {
            Ok(GpGeometry {
                geometry: Decoded::Polygons(p),
                ..
            }) => p,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn header_and_wkb_have_the_documented_layout() {
        let mut blob = Vec::new();
        let envelope = encode_gp_multipolygon(&square_with_hole(), 4326, &mut blob);
        assert_eq!(envelope, Some([0.0, 21.0, 0.0, 10.0]));
        // GP, version 0, flags: envelope code 1, little endian.
        assert_eq!(&blob[..4], b"GP\x00\x03");
        assert_eq!(blob[4..8], 4326_i32.to_le_bytes());
        assert_eq!(blob[8..16], 0.0_f64.to_le_bytes());
        assert_eq!(blob[16..24], 21.0_f64.to_le_bytes());
        // WKB: little endian, MultiPolygon (6), two parts, first a Polygon (3) of two rings.
        assert_eq!(blob[40], 1);
        assert_eq!(blob[41..45], 6_u32.to_le_bytes());
        assert_eq!(blob[45..49], 2_u32.to_le_bytes());
        assert_eq!(blob[49], 1);
        assert_eq!(blob[50..54], 3_u32.to_le_bytes());
        assert_eq!(blob[54..58], 2_u32.to_le_bytes());
        let expected_len = 40 + 9 + (9 + 4 + 5 * 16 + 4 + 5 * 16) + (9 + 4 + 4 * 16);
        assert_eq!(blob.len(), expected_len);
    }

    #[test]
    fn rings_are_written_by_the_right_hand_rule_and_read_back() {
        let mut blob = Vec::new();
        encode_gp_multipolygon(&square_with_hole(), 4490, &mut blob);
        let decoded = polygons(&blob);
        assert_eq!(decoded.len(), 2);
        let ccw = |ring: &Vec<[f64; 2]>| {
            signed_twice_area(&LineString::from(
                ring.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>(),
            )) > 0.0
        };
        assert!(ccw(&decoded[0][0]), "exterior counter-clockwise");
        assert!(!ccw(&decoded[0][1]), "hole clockwise");
        assert!(ccw(&decoded[1][0]));
        // Same positions, reversed.
        assert_eq!(
            decoded[0][0],
            vec![
                [0.0, 0.0],
                [10.0, 0.0],
                [10.0, 10.0],
                [0.0, 10.0],
                [0.0, 0.0]
            ]
        );
    }

    #[test]
    fn empty_geometry_is_flagged_and_has_no_envelope() {
        let mut blob = Vec::new();
        assert_eq!(
            encode_gp_multipolygon(&MultiPolygon::new(vec![]), 4326, &mut blob),
            None
        );
        assert_eq!(blob[3], 0b0001_0001);
        let Ok(decoded) = decode_gp(&blob) else {
            panic!("decodes")
        };
        assert!(decoded.empty && decoded.envelope.is_none());
        assert_eq!(decoded.geometry, Decoded::Polygons(vec![]));
    }

    /// A big-endian GP header with an xyz envelope over a big-endian `PolygonZ` (ISO 1003).
    #[test]
    fn big_endian_z_polygons_and_envelopes_are_read() {
        let mut blob = b"GP\x00".to_vec();
        blob.push(0b0000_0100); // envelope code 2 (xyz), big endian
        blob.extend_from_slice(&4524_i32.to_be_bytes());
        for v in [1.0_f64, 2.0, 3.0, 4.0, 0.0, 9.0] {
            blob.extend_from_slice(&v.to_be_bytes());
        }
        blob.push(0);
        blob.extend_from_slice(&1003_u32.to_be_bytes());
        blob.extend_from_slice(&1_u32.to_be_bytes());
        blob.extend_from_slice(&4_u32.to_be_bytes());
        for [x, y, z] in [
            [1.0, 3.0, 5.0],
            [2.0, 3.0, 5.0],
            [2.0, 4.0, 9.0],
            [1.0, 3.0, 5.0],
        ] {
            for v in [x, y, z] {
                blob.extend_from_slice(&f64::to_be_bytes(v));
            }
        }
        let Ok(decoded) = decode_gp(&blob) else {
            panic!("decodes")
        };
        assert_eq!(decoded.srs_id, 4524);
        assert_eq!(decoded.envelope, Some([1.0, 2.0, 3.0, 4.0]));
        assert_eq!(
            decoded.geometry,
            Decoded::Polygons(vec![vec![vec![
                [1.0, 3.0],
                [2.0, 3.0],
                [2.0, 4.0],
                [1.0, 3.0]
            ]]])
        );
    }

    #[test]
    fn other_types_are_named_and_damage_is_explained() {
        // A Point in GP binary with no envelope.
        let mut point = b"GP\x00\x01".to_vec();
        point.extend_from_slice(&4326_i32.to_le_bytes());
        point.push(1);
        point.extend_from_slice(&1_u32.to_le_bytes());
        point.extend_from_slice(&107.0_f64.to_le_bytes());
        point.extend_from_slice(&33.0_f64.to_le_bytes());
        assert_eq!(
            decode_gp(&point).map(|g| g.geometry),
            Ok(Decoded::Other("Point"))
        );

        let mut good = Vec::new();
        encode_gp_multipolygon(&square_with_hole(), 4326, &mut good);
        let message = |blob: &[u8]| match decode_gp(blob) {
            Err(GeometryError(text)) => text,
            Ok(g) => panic!("decoded {g:?}"),
        };
        assert!(message(&good[..good.len() - 3]).contains("cut short"));
        assert!(message(&good[..20]).contains("envelope"));
        assert!(message(b"").contains("\"GP\""));
        assert!(message(&good[40..]).contains("plain WKB"));
        let mut bad_flags = good.clone();
        bad_flags[3] = 0b0000_1111; // envelope code 7
        assert!(message(&bad_flags).contains("envelope code 7"));
        let mut huge = good.clone();
        huge[45..49].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(message(&huge).contains("claims"));
        let mut wrong_order = good;
        wrong_order[40] = 7;
        assert!(message(&wrong_order).contains("byte-order"));
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A deterministic walk over corruptions of a valid blob: every prefix and every
        // single-byte change must give a value or an error, never a panic.
        let mut good = Vec::new();
        encode_gp_multipolygon(&square_with_hole(), 4326, &mut good);
        for end in 0..good.len() {
            let _ = decode_gp(&good[..end]);
        }
        for i in 0..good.len() {
            for value in [0_u8, 1, 0x7F, 0xFF] {
                let mut blob = good.clone();
                blob[i] = value;
                let _ = decode_gp(&blob);
            }
        }
    }
}
