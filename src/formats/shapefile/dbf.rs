//! A `.dbf`'s records read by hand, straight from its bytes: fixed-width fields at known
//! offsets, any record on any core, only the fields the reader keeps decoded.
//!
//! Hand-written, not the `dbase` crate (which still writes the export's `.dbf`): `dbase`
//! builds a `HashMap` with owned field names for every record and reads records one after
//! another. With it, a 1,000,000-parcel Shapefile took 23.6 s and 4.5 GB to be ready to draw;
//! the target is no slower than the same park as `GeoJSON` (3.7 s on this machine).

use serde_json::{Map, Value};

/// One field of the table.
#[derive(Debug, Clone)]
struct Field {
    name: String,
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
    encoding: &'static encoding_rs::Encoding,
}

impl<'a> DbfTable<'a> {
    /// Reads the header: the record count and size and the field descriptors (names decoded
    /// in `encoding`, so Chinese field names read right). `keep`: the field names to decode,
    /// `None` for all.
    pub(crate) fn parse(
        bytes: &'a [u8],
        encoding: &'static encoding_rs::Encoding,
        keep: Option<&[&str]>,
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
            let keep_it = keep.is_none_or(|names| names.contains(&name.as_str()));
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
        if offset > record_len {
            return Err(format!(
                "its fields take {offset} bytes but its records have {record_len}"
            ));
        }
        Ok(Self {
            bytes,
            header_len,
            record_len,
            declared,
            fields,
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
    pub(crate) fn record(&self, index: usize) -> Option<Map<String, Value>> {
        if index >= self.available_records() {
            return None;
        }
        let start = self.header_len + index * self.record_len;
        let record = self.bytes.get(start..start + self.record_len)?;
        let mut properties = Map::new();
        for field in self.fields.iter().filter(|f| f.keep) {
            let raw = record.get(field.offset..field.offset + field.len)?;
            properties.insert(field.name.clone(), self.value(field, raw));
        }
        Some(properties)
    }

    fn value(&self, field: &Field, raw: &[u8]) -> Value {
        let text = || {
            let end = raw
                .iter()
                .rposition(|&b| b != b' ' && b != 0)
                .map_or(0, |i| i + 1);
            &raw[..end]
        };
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
        assert!(second.values().all(Value::is_null), "{second:?}");
        assert!(table.record(2).is_none());
        // Only the fields kept are decoded.
        let kept = DbfTable::parse(&bytes, encoding_rs::UTF_8, Some(&["code"])).expect("parsed");
        let record = kept.record(0).expect("record 0");
        assert_eq!(record.keys().collect::<Vec<_>>(), vec!["code"]);
        // Cut short: the whole records only.
        let cut =
            DbfTable::parse(&bytes[..bytes.len() - 10], encoding_rs::UTF_8, None).expect("parsed");
        assert_eq!((cut.declared_records(), cut.available_records()), (2, 1));
    }
}
