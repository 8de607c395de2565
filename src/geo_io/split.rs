//! Finding the features of a big `FeatureCollection` on all cores.
//!
//! The top-level members before `features` are read in order (`type`, `crs`, anything else
//! skipped). The features array is then cut at guessed places (`,` then `{`), each piece is
//! scanned for whole values in parallel, and the pieces must chain: each piece has to stop
//! exactly where the next one starts, and the last one at the closing `]`. Since the first
//! piece starts at a true element, chaining proves every cut was a true element boundary, so a
//! `,{` inside a string can never split a feature: it breaks the chain and the caller falls
//! back to a single sequential scan.

use rayon::prelude::*;
use serde_json::Value;
use std::borrow::Cow;

/// A plain `FeatureCollection`: its `crs` member and each feature's bytes, in order.
pub(super) struct SplitCollection<'a> {
    pub crs: Option<Value>,
    pub features: Vec<&'a [u8]>,
}

/// Pieces of at least this many bytes are scanned on their own.
const PIECE_BYTES: usize = 1 << 20;

/// Splits a `FeatureCollection` whose `type` comes before its `features` (as GDAL, QGIS and
/// most tools write it); `None` for anything else, which the caller reads sequentially.
pub(super) fn split_collection_parallel(bytes: &[u8]) -> Option<SplitCollection<'_>> {
    split_in_pieces(bytes, PIECE_BYTES)
}

fn split_in_pieces(bytes: &[u8], piece_bytes: usize) -> Option<SplitCollection<'_>> {
    let (crs, start) = collection_prefix(bytes)?;
    let pieces = (bytes.len() / piece_bytes.max(1)).clamp(1, 1024);
    let mut starts = vec![start];
    for k in 1..pieces {
        let guess = start + (bytes.len() - start) * k / pieces;
        let from = guess.max(starts.last().copied().unwrap_or(start) + 1);
        if let Some(candidate) = candidate_after(bytes, from) {
            starts.push(candidate);
        }
    }
    starts.dedup();
    let ends: Vec<usize> = starts.iter().skip(1).copied().chain([usize::MAX]).collect();
    let scanned: Vec<Option<Piece<'_>>> = starts
        .par_iter()
        .zip(ends.par_iter())
        .enumerate()
        .map(|(k, (&s, &e))| scan_piece(bytes, s, e, k == 0))
        .collect();
    let mut features = Vec::new();
    let count = scanned.len();
    for (k, piece) in scanned.into_iter().enumerate() {
        let (values, stop) = piece?;
        match stop {
            Stop::At(pos) if k + 1 < count && pos == starts[k + 1] => {}
            Stop::End(after) if k + 1 == count => {
                if !tail_is_plain(bytes, after) {
                    return None;
                }
            }
            _ => return None,
        }
        features.extend(values);
    }
    Some(SplitCollection { crs, features })
}

/// The values a piece found, and where it stopped.
type Piece<'a> = (Vec<&'a [u8]>, Stop);

enum Stop {
    /// The piece reached the start of an element at or past its end mark.
    At(usize),
    /// The piece reached the closing `]`; the position after it.
    End(usize),
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(pos) {
        pos += 1;
    }
    pos
}

/// Reads one JSON value at the start of `bytes`: the value and the bytes it took.
fn next_value<'de, T: serde::Deserialize<'de>>(bytes: &'de [u8]) -> Option<(T, usize)> {
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<T>();
    let value = stream.next()?.ok()?;
    Some((value, stream.byte_offset()))
}

/// Reads the top-level members up to `"features": [`; the `crs` member and the position after
/// the `[`. `None` unless `"type": "FeatureCollection"` came first.
fn collection_prefix(bytes: &[u8]) -> Option<(Option<Value>, usize)> {
    let mut pos = skip_ws(bytes, 0);
    if bytes.get(pos) != Some(&b'{') {
        return None;
    }
    pos += 1;
    let mut collection = false;
    let mut crs = None;
    loop {
        pos = skip_ws(bytes, pos);
        let (key, n) = next_value::<Cow<'_, str>>(bytes.get(pos..)?)?;
        pos = skip_ws(bytes, pos + n);
        if bytes.get(pos) != Some(&b':') {
            return None;
        }
        pos = skip_ws(bytes, pos + 1);
        match key.as_ref() {
            "features" => {
                return (collection && bytes.get(pos) == Some(&b'[')).then_some((crs, pos + 1));
            }
            "type" => {
                let (kind, n) = next_value::<Cow<'_, str>>(bytes.get(pos..)?)?;
                collection = kind == "FeatureCollection";
                pos += n;
            }
            "crs" => {
                let (value, n) = next_value::<Value>(bytes.get(pos..)?)?;
                crs = Some(value);
                pos += n;
            }
            _ => {
                let (_, n) = next_value::<serde::de::IgnoredAny>(bytes.get(pos..)?)?;
                pos += n;
            }
        }
        pos = skip_ws(bytes, pos);
        if bytes.get(pos) != Some(&b',') {
            return None;
        }
        pos += 1;
    }
}

/// The first `{` at or after `from` whose previous non-blank byte is `,`.
fn candidate_after(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        let offset = bytes.get(i..)?.iter().position(|&b| b == b'{')?;
        i += offset;
        let before = bytes[..i]
            .iter()
            .rev()
            .find(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'));
        if before == Some(&b',') {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Scans whole values from `start` until an element starts at or past `end`, or the array
/// closes.
fn scan_piece(bytes: &[u8], start: usize, end: usize, first: bool) -> Option<(Vec<&[u8]>, Stop)> {
    let mut values = Vec::new();
    let mut pos = skip_ws(bytes, start);
    if first && bytes.get(pos) == Some(&b']') {
        return Some((values, Stop::End(pos + 1)));
    }
    loop {
        let (_, n) = next_value::<serde::de::IgnoredAny>(bytes.get(pos..)?)?;
        values.push(bytes.get(pos..pos + n)?);
        pos = skip_ws(bytes, pos + n);
        match bytes.get(pos)? {
            b',' => {
                pos = skip_ws(bytes, pos + 1);
                if pos >= end {
                    return Some((values, Stop::At(pos)));
                }
            }
            b']' => return Some((values, Stop::End(pos + 1))),
            _ => return None,
        }
    }
}

/// After the features array: only members other than `type`, `crs` and `features`, then `}`.
fn tail_is_plain(bytes: &[u8], mut pos: usize) -> bool {
    loop {
        pos = skip_ws(bytes, pos);
        match bytes.get(pos) {
            Some(b'}') => return bytes[pos + 1..].iter().all(u8::is_ascii_whitespace),
            Some(b',') => {
                pos = skip_ws(bytes, pos + 1);
                let Some((key, n)) = bytes.get(pos..).and_then(next_value::<Cow<'_, str>>) else {
                    return false;
                };
                if matches!(key.as_ref(), "type" | "crs" | "features") {
                    return false;
                }
                pos = skip_ws(bytes, pos + n);
                if bytes.get(pos) != Some(&b':') {
                    return false;
                }
                let Some((_, n)) = bytes
                    .get(pos + 1..)
                    .and_then(next_value::<serde::de::IgnoredAny>)
                else {
                    return false;
                };
                pos += 1 + n;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection(n: usize, tricky: bool) -> String {
        let features: Vec<String> = (0..n)
            .map(|i| {
                let name = if tricky && i % 7 == 0 {
                    // A property holding what looks like a feature boundary.
                    r#"x },{ \"y\": 1 ,{"#.to_owned()
                } else {
                    format!("p{i}")
                };
                format!(
                    r#"{{"type":"Feature","properties":{{"name":"{name}"}},"geometry":{{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}}}"#
                )
            })
            .collect();
        format!(
            r#"{{"type":"FeatureCollection","name":"t","crs":{{"type":"name","properties":{{"name":"EPSG:4326"}}}},"features":[
{}
],"extra":[1,2]}}"#,
            features.join(",\n")
        )
    }

    #[test]
    fn pieces_chain_into_the_same_features_as_a_sequential_read() {
        for (n, tricky) in [(0, false), (1, false), (5000, false), (5000, true)] {
            let text = collection(n, tricky);
            let bytes = text.as_bytes();
            let sequential: Vec<&serde_json::value::RawValue> = {
                #[derive(serde::Deserialize)]
                struct C<'a> {
                    #[serde(borrow)]
                    features: Vec<&'a serde_json::value::RawValue>,
                }
                serde_json::from_slice::<C<'_>>(bytes)
                    .expect("valid")
                    .features
            };
            // Small pieces, so that the test file is cut in many places.
            let Some(split) = split_in_pieces(bytes, 4096) else {
                // Only allowed to give up when a cut fell inside a string.
                assert!(tricky, "n = {n}");
                continue;
            };
            assert_eq!(split.features.len(), n);
            for (a, b) in split.features.iter().zip(&sequential) {
                assert_eq!(*a, b.get().as_bytes());
            }
            assert!(split.crs.is_some());
        }
    }

    #[test]
    fn anything_unusual_is_left_to_the_sequential_reader() {
        for text in [
            r#"{"features":[],"type":"FeatureCollection"}"#,
            r#"{"type":"FeatureCollection","features":[]  ,"crs":null}"#,
            r#"{"type":"Feature","features":[]}"#,
            r#"{"type":"FeatureCollection","features":[{"a":1},]}"#,
            r#"{"type":"FeatureCollection","features":[{"a":1}"#,
            "[]",
        ] {
            assert!(
                split_collection_parallel(text.as_bytes()).is_none(),
                "{text}"
            );
        }
        let empty = split_collection_parallel(br#"{"type":"FeatureCollection","features":[ ]}"#);
        assert_eq!(empty.map(|s| s.features.len()), Some(0));
    }
}
