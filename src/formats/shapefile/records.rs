//! A `.shp`'s records read by hand, straight from its bytes: where each record lies (from
//! the `.shx`, or by walking the `.shp` when there is none), and a polygon record's rings as
//! positions, X and Y only.
//!
//! Hand-written, not the `shapefile` crate's reader (which still writes the export's `.shp`,
//! and checks these functions in the tests below): for one number, a million-parcel
//! Shapefile ready to draw at least three times faster than geopandas reads it (issue 14).
//! The crate gave each record a vector of its part offsets, one of points per ring and one
//! of rings, each ring measured for its orientation, all then copied into positions: five
//! allocations a parcel where two are needed, and each core parsed the whole `.shx` again.

use shapefile::ShapeType;

/// The bytes before the first record.
pub(super) const HEADER_BYTES: usize = 100;

/// What a record holds, as far as a polygon layer cares.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Record {
    /// A null shape: no geometry.
    Null,
    /// A polygon's rings (parts) as [x, y] positions in file order; `z_or_m`: the record is
    /// a `PolygonZ` or `PolygonM`, whose Z and M values were not read.
    Polygon {
        rings: Vec<Vec<[f64; 2]>>,
        z_or_m: bool,
    },
    /// Another shape type the format defines.
    Other(ShapeType),
}

/// The shape type a `.shp` header declares (`None` for a code the format does not define).
pub(super) fn header_shape_type(shp: &[u8]) -> Option<ShapeType> {
    ShapeType::from(le_i32(shp, 32)?)
}

/// The length in bytes a `.shp` or `.shx` header gives its file (`None` for a file shorter
/// than a header or not starting with the Shapefile file code, 9994).
pub(super) fn declared_length(file: &[u8]) -> Option<usize> {
    if file.len() < HEADER_BYTES || be_i32(file, 0)? != 9994 {
        return None;
    }
    let words = u32::from_be_bytes(four(file, 24)?);
    usize::try_from(words).ok()?.checked_mul(2)
}

/// Where each record starts in the `.shp`, by the `.shx`: one entry per 8 bytes after its
/// 100-byte header, the offset in 16-bit words; the entries its header declares, none past
/// them (bytes after an index are not entries). The caller checks the index holds them all.
pub(super) fn offsets_from_index(shx: &[u8]) -> Vec<usize> {
    let end = declared_length(shx).map_or(shx.len(), |declared| declared.min(shx.len()));
    shx.get(HEADER_BYTES..end)
        .unwrap_or_default()
        .chunks_exact(8)
        .map(|entry| {
            let words = be_i32(entry, 0).unwrap_or(-1);
            // A negative offset reads as one past any file: that record cannot be read.
            usize::try_from(words).map_or(usize::MAX, |w| w.saturating_mul(2))
        })
        .collect()
}

/// Where each record starts in the `.shp`, walking it record after record from the first;
/// `end` is where the header says the file ends. A record running past the file is listed,
/// so that reading it names the cut; none is listed after it.
pub(super) fn offsets_by_walking(shp: &[u8], end: usize) -> Vec<usize> {
    let end = end.min(shp.len());
    let mut offsets = Vec::new();
    let mut at = HEADER_BYTES;
    while at < end {
        offsets.push(at);
        let next = be_i32(shp, at + 4)
            .and_then(|words| usize::try_from(words).ok())
            .map(|words| at + 8 + words * 2);
        match next {
            Some(next) if next <= shp.len() => at = next,
            _ => break,
        }
    }
    offsets
}

/// The record at `offset` in the `.shp`; an error in words for one that cannot be read
/// (cut short, or counts that do not fit its length).
pub(super) fn read_record(shp: &[u8], offset: usize) -> Result<Record, String> {
    const CUT: &str = "it runs past the end of the .shp (the file is cut short)";
    let words = be_i32(shp, offset.saturating_add(4)).ok_or(
        "its header lies past the end of the .shp (the file is cut short, or its .shx entry \
         is wrong)",
    )?;
    let length = usize::try_from(words)
        .map_err(|_| format!("its header gives a negative length ({words} words)"))?
        * 2;
    // A length running past the file is read as far as the file goes: a last record whose
    // shape is whole loads (as GDAL and the `shapefile` crate read it), one cut inside its
    // shape says so below.
    let rest = shp.get(offset + 8..).ok_or(CUT)?;
    let cut = length > rest.len();
    let content = &rest[..length.min(rest.len())];
    let shape_type = le_i32(content, 0).ok_or(if cut {
        CUT
    } else {
        "it is too short to hold its shape type"
    })?;
    let z_or_m = match shape_type {
        0 => return Ok(Record::Null),
        5 => false,
        15 | 25 => true,
        other => {
            // A code the format does not define is not a shape but bytes out of step: no
            // record after it can be trusted either.
            return ShapeType::from(other)
                .map(Record::Other)
                .ok_or_else(|| format!("its shape type ({other}) is not one the format defines"));
        }
    };
    let too_short = |text: String| if cut { CUT.to_owned() } else { text };
    let count = |at: usize, what: &str| -> Result<usize, String> {
        let n = le_i32(content, at)
            .ok_or_else(|| too_short("it is too short to hold its part and point counts".into()))?;
        usize::try_from(n).map_err(|_| format!("its {what} count is negative ({n})"))
    };
    let (parts, points) = (count(36, "part")?, count(40, "point")?);
    let first_point = parts
        .checked_mul(4)
        .and_then(|b| b.checked_add(44))
        .ok_or("its part count does not fit its length")?;
    let fits = points
        .checked_mul(16)
        .and_then(|b| b.checked_add(first_point))
        .is_some_and(|end| end <= content.len());
    if !fits {
        return Err(too_short(format!(
            "its {parts} parts and {points} points need more than its {} bytes",
            content.len()
        )));
    }
    let position = |i: usize| {
        let at = first_point + i * 16;
        [le_f64(content, at), le_f64(content, at + 8)]
    };
    let mut rings = Vec::with_capacity(parts);
    for part in 0..parts {
        let start = part_start(content, part, points)?;
        let end = if part + 1 < parts {
            part_start(content, part + 1, points)?
        } else {
            points
        };
        if end < start {
            return Err(format!(
                "its parts are out of order (part {} starts at point {end}, before part {})",
                part + 2,
                part + 1
            ));
        }
        rings.push((start..end).map(position).collect());
    }
    Ok(Record::Polygon { rings, z_or_m })
}

/// Where part `part` starts among the record's `points`.
fn part_start(content: &[u8], part: usize, points: usize) -> Result<usize, String> {
    let start = le_i32(content, 44 + part * 4).unwrap_or(-1);
    usize::try_from(start)
        .ok()
        .filter(|&s| s <= points)
        .ok_or_else(|| {
            format!(
                "part {} starts at point {start}, outside its {points} points",
                part + 1
            )
        })
}

fn four(bytes: &[u8], at: usize) -> Option<[u8; 4]> {
    bytes.get(at..at.checked_add(4)?)?.try_into().ok()
}

fn be_i32(bytes: &[u8], at: usize) -> Option<i32> {
    four(bytes, at).map(i32::from_be_bytes)
}

fn le_i32(bytes: &[u8], at: usize) -> Option<i32> {
    four(bytes, at).map(i32::from_le_bytes)
}

/// A little-endian double at `at`, which the caller has checked lies within `bytes`.
fn le_f64(bytes: &[u8], at: usize) -> f64 {
    bytes
        .get(at..at + 8)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map_or(f64::NAN, f64::from_le_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shapefile::{Point, PointZ, Polygon, PolygonRing, PolygonZ, Shape, ShapeReader};
    use std::io::Cursor;

    /// `shapes` written by the `shapefile` crate: the `.shp` and `.shx` bytes.
    fn written(shapes: &[Shape]) -> (Vec<u8>, Vec<u8>) {
        let (mut shp, mut shx) = (Cursor::new(Vec::new()), Cursor::new(Vec::new()));
        {
            let mut writer = shapefile::ShapeWriter::with_shx(&mut shp, &mut shx);
            for shape in shapes {
                match shape {
                    Shape::Polygon(p) => writer.write_shape(p),
                    Shape::PolygonZ(p) => writer.write_shape(p),
                    _ => unreachable!("only polygons are written here"),
                }
                .expect("written");
            }
            writer.finalize().expect("finalized");
        }
        (shp.into_inner(), shx.into_inner())
    }

    fn square(x: f64, y: f64, side: f64) -> Vec<Point> {
        vec![
            Point::new(x, y),
            Point::new(x, y + side),
            Point::new(x + side, y + side),
            Point::new(x + side, y),
            Point::new(x, y),
        ]
    }

    /// Polygons of one and several rings (a hole, a second part), and a `PolygonZ`, read by
    /// hand give the rings the crate's reader gives, by the `.shx` and by walking.
    #[test]
    fn polygon_records_read_as_the_crate_reads_them() {
        let hole = square(2.0, 2.0, 1.0).into_iter().rev().collect();
        let shapes = vec![
            Shape::Polygon(Polygon::new(PolygonRing::Outer(square(0.0, 0.0, 10.0)))),
            Shape::Polygon(Polygon::with_rings(vec![
                PolygonRing::Outer(square(0.0, 0.0, 10.0)),
                PolygonRing::Inner(hole),
                PolygonRing::Outer(square(20.0, 0.0, 5.0)),
            ])),
        ];
        let (shp, shx) = written(&shapes);
        let by_index = offsets_from_index(&shx);
        assert_eq!(by_index, offsets_by_walking(&shp, shp.len()));
        assert_eq!(by_index.len(), 2);
        assert_eq!(header_shape_type(&shp), Some(ShapeType::Polygon));
        let mut crate_reader =
            ShapeReader::with_shx(Cursor::new(&shp[..]), Cursor::new(&shx[..])).expect("reader");
        for (i, &offset) in by_index.iter().enumerate() {
            let Some(Ok(Shape::Polygon(theirs))) = crate_reader.read_nth_shape(i) else {
                panic!("record {i}");
            };
            let want: Vec<Vec<[f64; 2]>> = theirs
                .rings()
                .iter()
                .map(|r| r.points().iter().map(|p| [p.x, p.y]).collect())
                .collect();
            assert_eq!(
                read_record(&shp, offset),
                Ok(Record::Polygon {
                    rings: want,
                    z_or_m: false
                })
            );
        }
        let z_ring: Vec<PointZ> = square(5.0, 5.0, 2.0)
            .iter()
            .map(|p| PointZ::new(p.x, p.y, 99.0, 0.0))
            .collect();
        let (shp, shx) = written(&[Shape::PolygonZ(PolygonZ::new(PolygonRing::Outer(z_ring)))]);
        let offsets = offsets_from_index(&shx);
        let Ok(Record::Polygon { rings, z_or_m }) = read_record(&shp, offsets[0]) else {
            panic!("a PolygonZ record");
        };
        assert!(z_or_m);
        assert_eq!(
            rings,
            vec![
                square(5.0, 5.0, 2.0)
                    .iter()
                    .map(|p| [p.x, p.y])
                    .collect::<Vec<_>>()
            ]
        );
    }

    /// Damaged records are refused with what is wrong, never read past their bytes; a cut
    /// file's last record is listed by the walk so that reading it names the cut.
    #[test]
    fn damaged_records_say_what_is_wrong() {
        let (shp, _) = written(&[Shape::Polygon(Polygon::new(PolygonRing::Outer(square(
            0.0, 0.0, 1.0,
        ))))]);
        let error = |bytes: &[u8]| match read_record(bytes, HEADER_BYTES) {
            Err(e) => e,
            Ok(record) => panic!("read {record:?}"),
        };
        // Cut short, inside the points.
        let cut = &shp[..shp.len() - 10];
        assert_eq!(offsets_by_walking(cut, shp.len()), vec![HEADER_BYTES]);
        assert!(error(cut).contains("cut short"), "{}", error(cut));
        assert!(error(&shp[..HEADER_BYTES + 4]).contains("cut short"));
        // A negative point count, and more points than the record holds.
        let record = HEADER_BYTES + 8;
        let mut bad = shp.clone();
        bad[record + 40..record + 44].copy_from_slice(&(-3_i32).to_le_bytes());
        assert!(
            error(&bad).contains("point count is negative"),
            "{}",
            error(&bad)
        );
        bad[record + 40..record + 44].copy_from_slice(&1000_i32.to_le_bytes());
        assert!(error(&bad).contains("need more than"), "{}", error(&bad));
        // A part starting outside the points.
        let mut bad = shp.clone();
        bad[record + 44..record + 48].copy_from_slice(&7_i32.to_le_bytes());
        assert!(
            error(&bad).contains("outside its 5 points"),
            "{}",
            error(&bad)
        );
        // A record of another shape type is named; a null shape is null; a code the format
        // does not define is an error (bytes out of step), not a shape.
        let mut other = shp.clone();
        other[record..record + 4].copy_from_slice(&3_i32.to_le_bytes());
        assert_eq!(
            read_record(&other, HEADER_BYTES),
            Ok(Record::Other(ShapeType::Polyline))
        );
        other[record..record + 4].copy_from_slice(&0_i32.to_le_bytes());
        assert_eq!(read_record(&other, HEADER_BYTES), Ok(Record::Null));
        other[record..record + 4].copy_from_slice(&99_i32.to_le_bytes());
        assert!(
            error(&other).contains("shape type (99)"),
            "{}",
            error(&other)
        );
        // A last record whose length runs past the file but whose shape is whole loads.
        let mut long = shp.clone();
        let words = i32::from_be_bytes([long[104], long[105], long[106], long[107]]) + 4;
        long[104..108].copy_from_slice(&words.to_be_bytes());
        assert!(matches!(
            read_record(&long, HEADER_BYTES),
            Ok(Record::Polygon { .. })
        ));
        // An index entry with a negative offset points nowhere.
        let mut shx = vec![0_u8; HEADER_BYTES];
        shx[..4].copy_from_slice(&9994_i32.to_be_bytes());
        shx[24..28].copy_from_slice(&54_i32.to_be_bytes());
        shx.extend((-1_i32).to_be_bytes());
        shx.extend(4_i32.to_be_bytes());
        let offsets = offsets_from_index(&shx);
        assert!(read_record(&shp, offsets[0]).is_err());
        // Bytes after the entries the index declares are not entries.
        shx.extend([0_u8; 8]);
        assert_eq!(offsets_from_index(&shx).len(), 1);
        assert_eq!(declared_length(&shx), Some(108));
        assert_eq!(declared_length(&shx[..50]), None);
    }
}
