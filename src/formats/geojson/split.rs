//! Reading the features of a big `FeatureCollection` on all cores, in one pass.
//!
//! The top-level members before `features` are read in order (`type`, `crs`, anything else
//! skipped). The features array is then cut at guessed places (`,` then `{`), and each piece
//! is read in parallel: every whole value found in it is handed to the caller's `read` right
//! away, while its text is still in the cache, so the file is gone through once. The pieces
//! must chain: each has to stop exactly where the next one starts, and the last one at the
//! closing `]`. The first piece starts at a true element, so a piece that chains started at a
//! true element too. A guess that fell inside a string (a property holding `,{`) breaks the
//! chain; that piece alone is read again from where the previous one really stopped, so the
//! result never depends on where the cuts fell.

use crate::layer::Progress;
use rayon::prelude::*;
use serde_json::Value;
use std::borrow::Cow;

/// Pieces of at least this many bytes are read on their own.
const PIECE_BYTES: usize = 1 << 20;

/// Bytes read past a piece's end at first, for its last feature.
const SLACK_BYTES: usize = 64 << 10;

/// Where a collection's text comes from: bytes in memory, or a file read piece by piece, so
/// that a big file is never held whole and each piece is parsed while it is in the cache.
pub(super) trait Source: Sync {
    /// The length in bytes.
    fn size(&self) -> usize;

    /// Fills `buf` from `offset` on, as far as the source goes; the bytes read.
    fn read_at(&self, offset: usize, buf: &mut [u8]) -> std::io::Result<usize>;
}

impl Source for [u8] {
    fn size(&self) -> usize {
        self.len()
    }

    fn read_at(&self, offset: usize, buf: &mut [u8]) -> std::io::Result<usize> {
        let from = self.get(offset..).unwrap_or_default();
        let n = from.len().min(buf.len());
        buf[..n].copy_from_slice(&from[..n]);
        Ok(n)
    }
}

/// A file of known length, read at offsets from any thread.
pub(super) struct FileSource {
    pub file: std::fs::File,
    pub len: usize,
}

impl Source for FileSource {
    fn size(&self) -> usize {
        self.len
    }

    fn read_at(&self, offset: usize, buf: &mut [u8]) -> std::io::Result<usize> {
        #[cfg(unix)]
        let read =
            |buf: &mut [u8], at: u64| std::os::unix::fs::FileExt::read_at(&self.file, buf, at);
        #[cfg(windows)]
        let read =
            |buf: &mut [u8], at: u64| std::os::windows::fs::FileExt::seek_read(&self.file, buf, at);
        // Elsewhere the piece fails, and the whole-file reader takes over.
        #[cfg(not(any(unix, windows)))]
        let read = |_: &mut [u8], _: u64| -> std::io::Result<usize> {
            Err(std::io::ErrorKind::Unsupported.into())
        };
        let mut done = 0;
        while done < buf.len() {
            match read(&mut buf[done..], (offset + done) as u64) {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }
}

/// A stretch of a source's bytes, from `start` on, that grows on demand. A read error ends
/// it, like the end of the source: the piece then fails, and the caller's whole-file reader
/// reports the error.
struct Window<'s, S: Source + ?Sized> {
    source: &'s S,
    start: usize,
    buf: Vec<u8>,
    complete: bool,
}

impl<'s, S: Source + ?Sized> Window<'s, S> {
    fn new(source: &'s S, start: usize, len: usize) -> Self {
        let mut window = Self {
            source,
            start,
            buf: Vec::new(),
            complete: false,
        };
        window.grow(len);
        window
    }

    /// Reads up to `more` bytes further; false when nothing more can be read.
    fn grow(&mut self, more: usize) -> bool {
        if self.complete {
            return false;
        }
        let end = self.start + self.buf.len();
        let more = more.min(self.source.size().saturating_sub(end));
        let old = self.buf.len();
        self.buf.resize(old + more, 0);
        let read = self.source.read_at(end, &mut self.buf[old..]).unwrap_or(0);
        self.buf.truncate(old + read);
        if read < more || end + read >= self.source.size() {
            self.complete = true;
        }
        read > 0
    }

    /// How far the window reaches past `pos`, in bytes.
    fn past(&self, pos: usize) -> usize {
        (self.start + self.buf.len()).saturating_sub(pos)
    }

    /// The bytes from `pos` (at or after `start`) to the end of the window.
    fn from(&self, pos: usize) -> &[u8] {
        self.buf.get(pos - self.start..).unwrap_or_default()
    }

    fn byte(&mut self, pos: usize) -> Option<u8> {
        while pos - self.start >= self.buf.len() {
            if !self.grow(SLACK_BYTES.max(pos - self.start - self.buf.len() + 1)) {
                return None;
            }
        }
        Some(self.buf[pos - self.start])
    }

    fn skip_ws(&mut self, mut pos: usize) -> usize {
        while self.byte(pos).is_some_and(is_blank) {
            pos += 1;
        }
        pos
    }
}

/// Why `read` could not read a feature.
pub(super) enum Unread {
    /// The text ends inside the value: more is needed.
    Incomplete,
    /// No JSON value starts there.
    Invalid,
}

/// The head of a `FeatureCollection` whose `type` comes before its `features` (as GDAL,
/// QGIS and most tools write it): its `crs` member and the position after the features
/// array's `[`. `None` for anything else, which the caller reads sequentially.
pub(super) fn collection_head<S: Source + ?Sized>(source: &S) -> Option<(Option<Value>, usize)> {
    let window = Window::new(source, 0, PIECE_BYTES);
    collection_prefix(window.from(0))
}

/// Reads the features of a collection in pieces on all cores, `start` being the position
/// after the features array's `[` (see [`collection_head`]). `read` is given a piece's
/// accumulator and the text from a feature on; it reads that feature into the accumulator
/// and returns the feature's length in bytes, and must leave the accumulator as it was when
/// it fails. The pieces' accumulators are given back in file order. `None` when the array is
/// not well-formed, cannot be read, or the load was cancelled; the caller then reads the
/// file sequentially. `progress` is advanced by the bytes read.
pub(super) fn read_features<S: Source + ?Sized, A: Default + Send>(
    source: &S,
    start: usize,
    progress: &Progress,
    read: impl Fn(&mut A, &[u8]) -> Result<usize, Unread> + Sync,
) -> Option<Vec<A>> {
    read_in_pieces(source, start, PIECE_BYTES, progress, &read)
}

fn read_in_pieces<S: Source + ?Sized, A: Default + Send>(
    source: &S,
    start: usize,
    piece_bytes: usize,
    progress: &Progress,
    read: &(impl Fn(&mut A, &[u8]) -> Result<usize, Unread> + Sync),
) -> Option<Vec<A>> {
    let size = source.size();
    let pieces = (size / piece_bytes.max(1)).clamp(1, 4096);
    let guesses: Vec<usize> = (1..pieces)
        .map(|k| start + (size - start) * k / pieces)
        .collect();
    let candidates: Vec<Option<usize>> = guesses
        .par_iter()
        .map(|&guess| candidate_after(source, guess))
        .collect();
    let mut starts = vec![start];
    for candidate in candidates.into_iter().flatten() {
        if candidate > starts[starts.len() - 1] {
            starts.push(candidate);
        }
    }
    let ends: Vec<usize> = starts.iter().skip(1).copied().chain([usize::MAX]).collect();
    let scanned: Vec<Option<Piece<A>>> = starts
        .par_iter()
        .zip(ends.par_iter())
        .enumerate()
        .map(|(k, (&s, &e))| {
            let piece = scan_piece(source, s, e, k == 0, progress, read);
            progress.advance(e.min(size) - s);
            piece
        })
        .collect();
    let mut out = Vec::with_capacity(scanned.len());
    // Where the next element truly starts.
    let mut expected = start;
    for (k, piece) in scanned.into_iter().enumerate() {
        if progress.is_cancelled() {
            return None;
        }
        let end = ends[k];
        if expected >= end {
            // The previous piece, read from a true element, went past this whole piece: it
            // was cut inside a value.
            continue;
        }
        let (values, stop) = match piece {
            Some(piece) if starts[k] == expected => piece,
            // Cut inside a value: read again from the true element before the cut.
            _ if k > 0 => scan_piece(source, expected, end, false, progress, read)?,
            _ => return None,
        };
        out.push(values);
        match stop {
            Stop::At(pos) => expected = pos,
            Stop::End(after) => {
                let tail = Window::new(source, after, size - after);
                return tail_is_plain(tail.from(after), 0).then_some(out);
            }
        }
    }
    None
}

/// What a piece read, and where it stopped.
type Piece<A> = (A, Stop);

enum Stop {
    /// The piece reached the start of an element at or past its end mark.
    At(usize),
    /// The piece reached the closing `]`; the position after it.
    End(usize),
}

/// JSON's whitespace.
fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).copied().is_some_and(is_blank) {
        pos += 1;
    }
    pos
}

/// Reads one JSON value at the start of `bytes`: the value and the bytes it took.
pub(super) fn next_value<'de, T: serde::Deserialize<'de>>(bytes: &'de [u8]) -> Option<(T, usize)> {
    try_next_value(bytes).ok()
}

/// [`next_value`], saying why it failed.
pub(super) fn try_next_value<'de, T: serde::Deserialize<'de>>(
    bytes: &'de [u8],
) -> Result<(T, usize), Unread> {
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<T>();
    match stream.next() {
        Some(Ok(value)) => Ok((value, stream.byte_offset())),
        Some(Err(e)) if e.is_eof() => Err(Unread::Incomplete),
        None => Err(Unread::Incomplete),
        Some(Err(_)) => Err(Unread::Invalid),
    }
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

/// Bytes looked at before a guessed cut, for the `,` before a `{`.
const LOOK_BACK: usize = 256;

/// The first `{` at or after `from` whose previous non-blank byte is `,` (within
/// [`LOOK_BACK`] bytes; a longer run of blanks is passed over, which only moves the cut).
fn candidate_after<S: Source + ?Sized>(source: &S, from: usize) -> Option<usize> {
    let first = from.saturating_sub(LOOK_BACK);
    let mut window = Window::new(source, first, (from - first) + 4096);
    let mut i = from;
    loop {
        let bytes = window.from(first);
        let brace = bytes
            .get(i - first..)
            .and_then(|b| b.iter().position(|&b| b == b'{'));
        if let Some(offset) = brace {
            i += offset;
            let before = bytes[..i - first].iter().rev().find(|&&b| !is_blank(b));
            if before == Some(&b',') {
                return Some(i);
            }
            i += 1;
        } else {
            i = first + bytes.len();
            if !window.grow(SLACK_BYTES) {
                return None;
            }
        }
    }
}

/// Reads whole values from `start` until an element starts at or past `end`, or the array
/// closes.
fn scan_piece<S: Source + ?Sized, A: Default>(
    source: &S,
    start: usize,
    end: usize,
    first: bool,
    progress: &Progress,
    read: &impl Fn(&mut A, &[u8]) -> Result<usize, Unread>,
) -> Option<Piece<A>> {
    let want = end.min(source.size()).saturating_sub(start) + SLACK_BYTES;
    let mut window = Window::new(source, start, want);
    let mut values = A::default();
    let mut pos = window.skip_ws(start);
    if first && window.byte(pos) == Some(b']') {
        return Some((values, Stop::End(pos + 1)));
    }
    loop {
        if progress.is_cancelled() {
            return None;
        }
        let n = loop {
            match read(&mut values, window.from(pos)) {
                Ok(n) => break n,
                // Growing by what the window holds past the piece at least, so that a feature
                // of any size (or a piece cut inside a string that never closes) costs a
                // bounded number of re-reads.
                Err(Unread::Incomplete) if window.grow(SLACK_BYTES.max(window.past(end))) => {}
                Err(_) => return None,
            }
        };
        pos = window.skip_ws(pos + n);
        match window.byte(pos)? {
            b',' => {
                pos = window.skip_ws(pos + 1);
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
],"extra":[{{"a":1}},{{"b":[1,2]}}]}}"#,
            features.join(",\n")
        )
    }

    fn identity(values: &mut Vec<Vec<u8>>, rest: &[u8]) -> Result<usize, Unread> {
        let (_, n) = try_next_value::<serde::de::IgnoredAny>(rest)?;
        values.push(rest[..n].to_vec());
        Ok(n)
    }

    /// The features' text as the parallel reader finds them, with the `crs` member.
    fn split(bytes: &[u8], piece_bytes: usize) -> Option<(Option<Value>, Vec<Vec<u8>>)> {
        let (crs, start) = collection_prefix(bytes)?;
        let pieces = read_in_pieces(bytes, start, piece_bytes, &Progress::new(), &identity)?;
        Some((crs, pieces.into_iter().flatten().collect()))
    }

    /// Each feature's text and where it starts, read sequentially by serde.
    fn sequential(bytes: &[u8]) -> Vec<(&[u8], usize)> {
        #[derive(serde::Deserialize)]
        struct C<'a> {
            #[serde(borrow)]
            features: Vec<&'a serde_json::value::RawValue>,
        }
        serde_json::from_slice::<C<'_>>(bytes)
            .expect("valid")
            .features
            .into_iter()
            .map(|f| {
                let text = f.get().as_bytes();
                (text, text.as_ptr() as usize - bytes.as_ptr() as usize)
            })
            .collect()
    }

    #[test]
    fn pieces_chain_into_the_same_features_as_a_sequential_read() {
        for (n, tricky, piece_bytes) in [
            (0, false, 4096),
            (1, false, 4096),
            (5000, false, 4096),
            (5000, true, 4096),
            (300, true, 64),
        ] {
            let text = collection(n, tricky);
            let bytes = text.as_bytes();
            let sequential = sequential(bytes);
            let (crs, features) = split(bytes, piece_bytes).expect("read in pieces");
            assert_eq!(features.len(), n);
            for (a, (b, _)) in features.iter().zip(&sequential) {
                assert_eq!(a, b);
            }
            // The same from a file.
            let path = std::env::temp_dir().join(format!("parkland-split-{n}-{tricky}.json"));
            std::fs::write(&path, bytes).expect("write");
            let file = FileSource {
                file: std::fs::File::open(&path).expect("open"),
                len: bytes.len(),
            };
            let (_, start) = collection_head(&file).expect("head");
            let from_file = read_in_pieces(&file, start, piece_bytes, &Progress::new(), &identity)
                .expect("read from the file");
            assert_eq!(
                from_file.into_iter().flatten().collect::<Vec<_>>(),
                features
            );
            let _ = std::fs::remove_file(&path);
            assert!(crs.is_some());
        }
    }

    #[test]
    fn a_feature_longer_than_a_window_is_read_whole() {
        // A feature of some 600 KB among small ones. Its property is a list of objects, so
        // that cuts fall inside it (at `,{`): the piece it starts in reads on, several times
        // past its end, and the pieces that start inside it are dropped.
        let mut text = collection(50, false);
        let list: Vec<String> = (0..40_000).map(|k| format!(r#"{{"k":{k}}}"#)).collect();
        let long = format!(
            r#"{{"type":"Feature","properties":{{"list":[{}]}},"geometry":null}},"#,
            list.join(",")
        );
        let at = text.find(r#"{"type":"Feature""#).expect("a feature");
        text.insert_str(at, &long);
        let bytes = text.as_bytes();
        let (_, features) = split(bytes, 4096).expect("read in pieces");
        assert_eq!(features.len(), 51);
        assert_eq!(features[0].len(), long.len() - 1);
        assert!(features[0].len() > SLACK_BYTES * 4);
        for (a, (b, _)) in features.iter().zip(&sequential(bytes)) {
            assert_eq!(a, b);
        }
    }

    #[test]
    fn cuts_inside_strings_happen_and_are_read_again() {
        // The same cuts as the reader makes, on a file where many fall inside a property.
        let text = collection(300, true);
        let bytes = text.as_bytes();
        let (_, start) = collection_prefix(bytes).expect("prefix");
        let true_starts: Vec<usize> = sequential(bytes).iter().map(|&(_, at)| at).collect();
        let pieces = bytes.len() / 64;
        let bogus = (1..pieces)
            .filter_map(|k| candidate_after(bytes, start + (bytes.len() - start) * k / pieces))
            .filter(|at| !true_starts.contains(at))
            .count();
        assert!(bogus > 10, "only {bogus} cuts fell inside a string");
        assert_eq!(split(bytes, 64).expect("read").1.len(), 300);
    }

    #[test]
    fn a_cancelled_read_stops() {
        let text = collection(5000, false);
        let bytes = text.as_bytes();
        let (_, start) = collection_prefix(bytes).expect("prefix");
        let progress = Progress::new();
        progress.cancel();
        let read = |count: &mut usize, rest: &'_ [u8]| {
            *count += 1;
            try_next_value::<serde::de::IgnoredAny>(rest).map(|(_, n)| n)
        };
        assert!(read_in_pieces(bytes, start, 4096, &progress, &read).is_none());
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
            assert!(split(text.as_bytes(), PIECE_BYTES).is_none(), "{text}");
        }
        let empty = split(
            br#"{"type":"FeatureCollection","features":[ ]}"#,
            PIECE_BYTES,
        );
        assert_eq!(empty.map(|(_, f)| f.len()), Some(0));
    }
}
