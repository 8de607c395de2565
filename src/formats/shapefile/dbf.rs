//! A `.dbf`'s records read by hand, straight from its bytes: fixed-width fields at known
//! offsets, any record on any core, only the fields the reader keeps decoded.
//!
//! Hand-written, not the `dbase` crate (which still writes the export's `.dbf`): `dbase`
//! builds a `HashMap` with owned field names for every record and reads records one after
//! another. With it, a 1,000,000-parcel Shapefile took 23.6 s and 4.5 GB to be ready to draw;
//! the target is no slower than the same park as `GeoJSON` (3.7 s on this machine).

use crate::formats::Properties;
use serde_json::Value;
use std::borrow::Cow;

/// One field of the table.
#[derive(Debug, Clone)]
struct Field {
    /// A kept field's name is the reader's own `&'static str` (see [`Properties`]): not
    /// allocated again for each of a million records.
    name: Cow<'static, str>,
    kind: u8,
    /// From the start of the record (after the deletion flag byte, which is at 0).
    offset: usize,
    len: usize,
    decimals: u8,
    keep: bool,
}

/// A `.dbf` table over its bytes.
pub(crate) struct DbfTable<'a> {
    bytes: &'a [u8],
    header_len: usize,
    record_len: usize,
    declared: usize,
    fields: Vec<Field>,
    /// How many fields are kept.
    kept: usize,
    encoding: &'static encoding_rs::Encoding,
}

impl<'a> DbfTable<'a> {
    /// Reads the header: the record count and size and the field descriptors (names decoded
    /// in `encoding`, so Chinese field names read right). `keep`: the field names to decode,
    /// `None` for all.
    pub(crate) fn parse(
        bytes: &'a [u8],
        encoding: &'static encoding_rs::Encoding,
        keep: Option<&[&'static str]>,
    ) -> Result<Self, String> {
        if bytes.len() < 32 {
            return Err(format!(
                "{} bytes, shorter than a .dbf header (32 bytes)",
                bytes.len()
            ));
        }
        let u16_at = |i: usize| usize::from(u16::from_le_bytes([bytes[i], bytes[i + 1]]));
        let declared = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
        let header_len = u16_at(8);
        let record_len = u16_at(10);
        if header_len < 33 || header_len > bytes.len() {
            return Err(format!(
                "its header length ({header_len} bytes) does not fit the file"
            ));
        }
        let mut fields = Vec::new();
        let mut offset = 1;
        let mut at = 32;
        while at + 32 <= header_len && bytes[at] != 0x0D {
            let descriptor = &bytes[at..at + 32];
            let raw_name = &descriptor[..11];
            let raw_name = &raw_name[..raw_name.iter().position(|&b| b == 0).unwrap_or(11)];
            let name = encoding
                .decode_without_bom_handling(raw_name)
                .0
                .trim()
                .to_owned();
            let len = usize::from(descriptor[16]);
            let (name, keep_it) = match keep {
                None => (Cow::Owned(name), true),
                Some(names) => match names.iter().find(|kept| **kept == name) {
                    Some(kept) => (Cow::Borrowed(*kept), true),
                    None => (Cow::Owned(name), false),
                },
            };
            fields.push(Field {
                name,
                kind: descriptor[11].to_ascii_uppercase(),
                offset,
                len,
                decimals: descriptor[17],
                keep: keep_it,
            });
            offset += len;
            at += 32;
        }
        // A name given twice keeps its last field, as a JSON object keeps its last member:
        // the kept names are then distinct, and a record's are pushed without a search.
        for i in 0..fields.len() {
            if fields[i].keep
                && fields[i + 1..]
                    .iter()
                    .any(|f| f.keep && f.name == fields[i].name)
            {
                fields[i].keep = false;
            }
        }
        if offset > record_len {
            return Err(format!(
                "its fields take {offset} bytes but its records have {record_len}"
            ));
        }
        let kept = fields.iter().filter(|f| f.keep).count();
        Ok(Self {
            bytes,
            header_len,
            record_len,
            declared,
            fields,
            kept,
            encoding,
        })
    }

    /// The record count the header declares.
    pub(crate) fn declared_records(&self) -> usize {
        self.declared
    }

    /// The records the file holds whole (fewer than declared in a file cut short).
    pub(crate) fn available_records(&self) -> usize {
        if self.record_len == 0 {
            return 0;
        }
        let whole = (self.bytes.len() - self.header_len) / self.record_len;
        whole.min(self.declared)
    }

    /// The kept fields of record `index` as properties; `None` past the records the file holds.
    pub(crate) fn record(&self, index: usize) -> Option<Properties> {
        if index >= self.available_records() {
            return None;
        }
        let start = self.header_len + index * self.record_len;
        let record = self.bytes.get(start..start + self.record_len)?;
        let mut properties = Properties::with_capacity(self.kept);
        for field in self.fields.iter().filter(|f| f.keep) {
            let raw = record.get(field.offset..field.offset + field.len)?;
            properties.push_new(field.name.clone(), self.value(field, raw));
        }
        Some(properties)
    }

    fn value(&self, field: &Field, raw: &[u8]) -> Value {
        let text = || without_padding(raw);
        match field.kind {
            b'C' => {
                let bytes = text();
                if bytes.is_empty() {
                    Value::Null
                } else {
                    Value::String(
                        self.encoding
                            .decode_without_bom_handling(bytes)
                            .0
                            .into_owned(),
                    )
                }
            }
            b'N' | b'F' => {
                // Parsed where it lies (a copy of each number's text was an allocation per
                // field of a million records).
                let parsed = std::str::from_utf8(text())
                    .map_err(|_| ())
                    .and_then(|ascii| ascii.trim().parse::<f64>().map_err(|_| ()));
                match parsed {
                    Ok(v) if v.is_finite() => {
                        if field.decimals == 0 && v.fract() == 0.0 && v.abs() < 9e15 {
                            Value::from(v as i64)
                        } else {
                            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
                        }
                    }
                    _ => Value::Null,
                }
            }
            b'L' => match raw.first() {
                Some(b'T' | b't' | b'Y' | b'y') => Value::Bool(true),
                Some(b'F' | b'f' | b'N' | b'n') => Value::Bool(false),
                _ => Value::Null,
            },
            b'D' => {
                let digits = text();
                if digits.len() == 8 && digits.iter().all(u8::is_ascii_digit) {
                    let d = String::from_utf8_lossy(digits);
                    Value::String(format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..8]))
                } else {
                    Value::Null
                }
            }
            b'I' if raw.len() == 4 => {
                Value::from(i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]))
            }
            b'O' | b'B' if raw.len() == 8 => {
                let mut eight = [0_u8; 8];
                eight.copy_from_slice(raw);
                serde_json::Number::from_f64(f64::from_le_bytes(eight))
                    .map_or(Value::Null, Value::Number)
            }
            _ => Value::Null,
        }
    }
}

/// A field's bytes without the spaces (or NULs) that pad it: eight bytes at a time, then one
/// at a time. Byte by byte, the padding of wide text fields (80 bytes, a few of them used)
/// was most of the cost of a record.
fn without_padding(raw: &[u8]) -> &[u8] {
    const SPACES: u64 = u64::from_ne_bytes([b' '; 8]);
    let mut end = raw.len();
    while let Some(word) = end
        .checked_sub(8)
        .and_then(|start| <[u8; 8]>::try_from(&raw[start..end]).ok())
        .map(u64::from_ne_bytes)
        && (word == SPACES || word == 0)
    {
        end -= 8;
    }
    while end > 0 && matches!(raw[end - 1], b' ' | 0) {
        end -= 1;
    }
    &raw[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table written by the `dbase` crate (the export's writer) reads back field by field,
    /// a Chinese field name included (`dbase` writes names in UTF-8, so the table is UTF-8;
    /// GBK values are checked on the GBK sets GDAL writes in `tests/shapefile.rs`).
    #[test]
    fn reads_what_dbase_writes() {
        use shapefile::dbase::{self, FieldName, FieldValue};
        let mut bytes = std::io::Cursor::new(Vec::new());
        {
            let name = |n: &str| FieldName::try_from(n).expect("name");
            let mut table = dbase::TableWriterBuilder::with_encoding(
                dbase::encoding::EncodingRs::from(encoding_rs::UTF_8),
            )
            .add_character_field(name("名称"), 40)
            .add_numeric_field(name("area"), 20, 3)
            .add_numeric_field(name("code"), 10, 0)
            .add_logical_field(name("valid"))
            .add_date_field(name("on"))
            .build_with_dest(&mut bytes);
            let mut record = dbase::Record::default();
            record.insert(
                "名称".into(),
                FieldValue::Character(Some("黑龙江省".into())),
            );
            record.insert("area".into(), FieldValue::Numeric(Some(1234.5)));
            record.insert("code".into(), FieldValue::Numeric(Some(230_000.0)));
            record.insert("valid".into(), FieldValue::Logical(Some(true)));
            record.insert(
                "on".into(),
                FieldValue::Date(dbase::Date::new(6, 12, 2026).ok()),
            );
            table.write_record(&record).expect("written");
            let mut empty = dbase::Record::default();
            empty.insert("名称".into(), FieldValue::Character(None));
            empty.insert("area".into(), FieldValue::Numeric(None));
            empty.insert("code".into(), FieldValue::Numeric(None));
            empty.insert("valid".into(), FieldValue::Logical(None));
            empty.insert("on".into(), FieldValue::Date(None));
            table.write_record(&empty).expect("written");
            table.finalize().expect("finalized");
        }
        let bytes = bytes.into_inner();
        let table = DbfTable::parse(&bytes, encoding_rs::UTF_8, None).expect("parsed");
        assert_eq!(table.available_records(), 2);
        let first = table.record(0).expect("record 0");
        assert_eq!(first["名称"], Value::from("黑龙江省"));
        assert_eq!(first["area"].as_f64(), Some(1234.5));
        assert_eq!(first["code"], Value::from(230_000));
        assert_eq!(first["valid"], Value::Bool(true));
        assert_eq!(first["on"], Value::from("2026-12-06"));
        let second = table.record(1).expect("record 1");
        assert!(second.iter().all(|(_, v)| v.is_null()), "{second:?}");
        assert!(table.record(2).is_none());
        // Only the fields kept are decoded.
        let kept = DbfTable::parse(&bytes, encoding_rs::UTF_8, Some(&["code"])).expect("parsed");
        let record = kept.record(0).expect("record 0");
        assert_eq!(record.keys().collect::<Vec<_>>(), vec!["code"]);
        assert_eq!(record.len(), 1);
        // Padding goes, in whole words and single bytes; inner spaces stay.
        for (raw, kept) in [
            (&b"a b     "[..], &b"a b"[..]),
            (b"abc\0\0\0\0\0\0\0\0\0", b"abc"),
            (b"                 ", b""),
            (b"x                  ", b"x"),
            (b"12345678", b"12345678"),
            (b"", b""),
        ] {
            assert_eq!(without_padding(raw), kept);
        }
        // Cut short: the whole records only.
        let cut =
            DbfTable::parse(&bytes[..bytes.len() - 10], encoding_rs::UTF_8, None).expect("parsed");
        assert_eq!((cut.declared_records(), cut.available_records()), (2, 1));
    }

    /// A table naming a field twice keeps the last one's value, as a JSON object keeps its
    /// last member, and names it once.
    #[test]
    fn a_name_given_twice_keeps_its_last_field() {
        let descriptor = |name: &[u8], len: u8| {
            let mut d = [0_u8; 32];
            d[..name.len()].copy_from_slice(name);
            d[11] = b'C';
            d[16] = len;
            d
        };
        let fields = [
            descriptor(b"a", 3),
            descriptor(b"b", 2),
            descriptor(b"a", 4),
        ];
        let header_len = 32 + 32 * fields.len() + 1;
        let record_len = 1 + 3 + 2 + 4;
        let mut bytes = vec![0_u8; 32];
        bytes[0] = 3;
        bytes[4] = 1;
        bytes[8..10].copy_from_slice(&u16::try_from(header_len).expect("small").to_le_bytes());
        bytes[10..12].copy_from_slice(&u16::try_from(record_len).expect("small").to_le_bytes());
        for field in fields {
            bytes.extend_from_slice(&field);
        }
        bytes.push(0x0D);
        bytes.extend_from_slice(b" one12two ");
        for keep in [None, Some(&["a", "b"][..])] {
            let table = DbfTable::parse(&bytes, encoding_rs::UTF_8, keep).expect("parsed");
            let record = table.record(0).expect("record 0");
            assert_eq!(record.len(), 2, "{keep:?}: {record:?}");
            assert_eq!(record["a"], Value::from("two"), "{keep:?}");
            assert_eq!(record["b"], Value::from("12"), "{keep:?}");
        }
    }
}
