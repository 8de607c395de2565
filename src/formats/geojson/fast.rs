//! The fast path of the `GeoJSON` reader: one typed pass over a plain feature's text, straight
//! into `geo` types.
//!
//! A feature is plain when it is a `Feature` with `properties` an object or null and a
//! `Polygon` or `MultiPolygon` geometry whose `type` comes before its `coordinates` (as GDAL,
//! QGIS, geopandas and the `geojson` crate write it), every position `[x, y]` and every ring
//! closed with at least four positions. Anything else makes [`parse`] return `None`, and the
//! lenient reader reads the feature and says what it changed or why it skipped it, so the
//! result never depends on which path read a feature.
//!
//! The coordinates are parsed once, into the `Vec<Coord>` each ring keeps, and of the
//! properties only the kept ones are allocated.

use crate::formats::{FromFeature, Properties};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;

/// A plain feature read by the fast path.
pub(super) struct FastFeature {
    pub id: Option<String>,
    pub properties: Properties,
    pub geometry: MultiPolygon<f64>,
}

/// Reads a plain feature (see the module documentation) at the start of `text`, keeping
/// only the properties `T` reads (see [`FromFeature::KEEP`]); the feature and the
/// bytes it took, or `None` for anything else.
pub(super) fn parse_at<T: FromFeature>(text: &[u8]) -> Option<(FastFeature, usize)> {
    super::split::next_value::<Keeping<T>>(text).map(|(Keeping(feature, _), n)| (feature, n))
}

/// A feature read with `T`'s choice of properties.
struct Keeping<T>(FastFeature, std::marker::PhantomData<T>);

impl<'de, T: FromFeature> de::Deserialize<'de> for Keeping<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let feature = deserializer.deserialize_map(FeatureSeed { keep: T::KEEP })?;
        Ok(Self(feature, std::marker::PhantomData))
    }
}

/// The error that sends a feature to the lenient path; its text is never shown.
fn not_plain<E: de::Error>() -> E {
    E::custom("not a plain feature")
}

/// Member names the fast path knows, matched without allocating.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Type,
    Id,
    Properties,
    Geometry,
    Coordinates,
    Other,
}

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(match v {
            "type" => Key::Type,
            "id" => Key::Id,
            "properties" => Key::Properties,
            "geometry" => Key::Geometry,
            "coordinates" => Key::Coordinates,
            _ => Key::Other,
        })
    }
}

/// The `type` of a feature or geometry, matched without allocating.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Feature,
    Polygon,
    MultiPolygon,
    Other,
}

impl<'de> de::Deserialize<'de> for Kind {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KindVisitor)
    }
}

struct KindVisitor;

impl Visitor<'_> for KindVisitor {
    type Value = Kind;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a type name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Kind, E> {
        Ok(match v {
            "Feature" => Kind::Feature,
            "Polygon" => Kind::Polygon,
            "MultiPolygon" => Kind::MultiPolygon,
            _ => Kind::Other,
        })
    }
}

/// The members of a feature, keeping only the `keep` properties when given.
struct FeatureSeed {
    keep: Option<&'static [&'static str]>,
}

impl<'de> Visitor<'de> for FeatureSeed {
    type Value = FastFeature;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Feature")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut feature = false;
        let mut id = None;
        let mut properties = None;
        let mut geometry = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                // A repeated member is left to the lenient path, which keeps the last one.
                Key::Type if !feature => {
                    if map.next_value::<Kind>()? != Kind::Feature {
                        return Err(not_plain());
                    }
                    feature = true;
                }
                Key::Id if id.is_none() => {
                    id = Some(match map.next_value::<Value>()? {
                        Value::String(s) => Some(s),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    });
                }
                Key::Properties if properties.is_none() => {
                    properties = Some(map.next_value_seed(PropertiesSeed { keep: self.keep })?);
                }
                Key::Geometry if geometry.is_none() => {
                    geometry = Some(map.next_value_seed(GeometrySeed)?);
                }
                Key::Coordinates | Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
                _ => return Err(not_plain()),
            }
        }
        match (feature, geometry) {
            (true, Some(geometry)) => Ok(FastFeature {
                id: id.flatten(),
                properties: properties.unwrap_or_default(),
                geometry,
            }),
            _ => Err(not_plain()),
        }
    }
}

/// A `properties` object (or null), keeping only the `keep` members when given.
struct PropertiesSeed {
    keep: Option<&'static [&'static str]>,
}

impl<'de> DeserializeSeed<'de> for PropertiesSeed {
    type Value = Properties;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PropertiesSeed {
    type Value = Properties;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a properties object")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Properties::new())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out;
        match self.keep {
            None => {
                out = Properties::new();
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    out.insert(key, value);
                }
            }
            Some(keys) => {
                out = Properties::with_capacity(keys.len());
                while let Some(key) = map.next_key_seed(KeyIn(keys))? {
                    match key {
                        Some(key) => {
                            out.insert(key, map.next_value::<Value>()?);
                        }
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
            }
        }
        Ok(out)
    }
}

/// A map key, matched against the kept keys without allocating.
struct KeyIn(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for KeyIn {
    type Value = Option<&'static str>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIn {
    type Value = Option<&'static str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().copied().find(|k| *k == v))
    }
}

/// A `Polygon` or `MultiPolygon` geometry object whose `type` precedes its `coordinates`.
struct GeometrySeed;

impl<'de> DeserializeSeed<'de> for GeometrySeed {
    type Value = MultiPolygon<f64>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for GeometrySeed {
    type Value = MultiPolygon<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Polygon or MultiPolygon")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut kind = None;
        let mut polygons = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Type if kind.is_none() => kind = Some(map.next_value::<Kind>()?),
                Key::Coordinates if polygons.is_none() => {
                    polygons = Some(match kind {
                        Some(Kind::Polygon) => vec![map.next_value_seed(PolygonSeed)?],
                        Some(Kind::MultiPolygon) => map.next_value_seed(MultiPolygonSeed)?,
                        _ => return Err(not_plain()),
                    });
                }
                Key::Id | Key::Properties | Key::Geometry | Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
                Key::Type | Key::Coordinates => return Err(not_plain()),
            }
        }
        polygons.map(MultiPolygon::new).ok_or_else(not_plain)
    }
}

/// A `MultiPolygon`'s coordinates: at least one polygon.
struct MultiPolygonSeed;

impl<'de> DeserializeSeed<'de> for MultiPolygonSeed {
    type Value = Vec<Polygon<f64>>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for MultiPolygonSeed {
    type Value = Vec<Polygon<f64>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of polygons")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut polygons = Vec::new();
        while let Some(polygon) = seq.next_element_seed(PolygonSeed)? {
            polygons.push(polygon);
        }
        if polygons.is_empty() {
            return Err(not_plain());
        }
        Ok(polygons)
    }
}

/// A `Polygon`'s coordinates: an exterior ring and its holes.
struct PolygonSeed;

impl<'de> DeserializeSeed<'de> for PolygonSeed {
    type Value = Polygon<f64>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PolygonSeed {
    type Value = Polygon<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of rings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let exterior = seq.next_element_seed(RingSeed)?.ok_or_else(not_plain)?;
        let mut holes = Vec::new();
        while let Some(hole) = seq.next_element_seed(RingSeed)? {
            holes.push(hole);
        }
        Ok(Polygon::new(exterior, holes))
    }
}

/// A closed ring of at least four `[x, y]` positions.
struct RingSeed;

/// Positions a ring is first given room for: a rectangle and most parcels fit.
const RING_CAPACITY: usize = 16;

impl<'de> DeserializeSeed<'de> for RingSeed {
    type Value = LineString<f64>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RingSeed {
    type Value = LineString<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of positions")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut coords = Vec::with_capacity(RING_CAPACITY);
        while let Some(coord) = seq.next_element_seed(PositionSeed)? {
            coords.push(coord);
        }
        if coords.len() < 4 || coords.first() != coords.last() {
            return Err(not_plain());
        }
        // A million parcels keep their rings: give back the room a short ring did not use.
        coords.shrink_to_fit();
        Ok(LineString(coords))
    }
}

/// A position of exactly two numbers.
struct PositionSeed;

impl<'de> DeserializeSeed<'de> for PositionSeed {
    type Value = Coord<f64>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PositionSeed {
    type Value = Coord<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a position")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let x: f64 = seq.next_element()?.ok_or_else(not_plain)?;
        let y: f64 = seq.next_element()?.ok_or_else(not_plain)?;
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(not_plain());
        }
        Ok(Coord { x, y })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{FromFeature, ImportedFeature, Message};

    /// Reads a plain feature that is the whole of `text`.
    fn parse<T: FromFeature>(text: &[u8]) -> Option<FastFeature> {
        parse_at::<T>(text)
            .filter(|&(_, n)| text[n..].iter().all(u8::is_ascii_whitespace))
            .map(|(f, _)| f)
    }

    fn read(text: &str) -> Option<FastFeature> {
        parse::<ImportedFeature>(text.as_bytes())
    }

    /// Reads only the properties "c" and "a".
    struct Ca;

    impl FromFeature for Ca {
        const KEEP: Option<&'static [&'static str]> = Some(&["c", "a"]);

        fn from_feature(_: ImportedFeature, _: &mut Vec<Message>) -> Self {
            Self
        }

        fn place(&mut self, _: usize) {}
    }

    const SQUARE: &str = "[[0,0],[1,0],[1,1],[0,1],[0,0]]";

    #[test]
    fn plain_polygons_and_multipolygons_are_read_with_their_holes() {
        let text = format!(
            r#"{{"type":"Feature","id":7,"properties":{{"a":1,"b":"x"}},"geometry":{{"type":"Polygon","coordinates":[{SQUARE},[[0.2,0.2],[0.4,0.2],[0.4,0.4],[0.2,0.2]]]}}}}"#
        );
        let f = read(&text).expect("plain");
        assert_eq!(f.id.as_deref(), Some("7"));
        assert_eq!(f.properties.len(), 2);
        assert_eq!(f.geometry.0.len(), 1);
        assert_eq!(f.geometry.0[0].interiors().len(), 1);
        assert_eq!(f.geometry.0[0].exterior().0[2], Coord { x: 1.0, y: 1.0 });

        let text = format!(
            r#"{{"geometry":{{"bbox":[0,0,1,1],"type":"MultiPolygon","coordinates":[[{SQUARE}],[{SQUARE}]]}},"properties":null,"type":"Feature"}}"#
        );
        let f = read(&text).expect("members in any order but type before coordinates");
        assert_eq!(f.geometry.0.len(), 2);
        assert!(f.properties.is_empty());
        assert_eq!(f.id, None);
    }

    #[test]
    fn only_the_kept_properties_are_kept() {
        let text = format!(
            r#"{{"type":"Feature","properties":{{"a":1,"b":{{"deep":[1,2]}},"c":"z"}},"geometry":{{"type":"Polygon","coordinates":[{SQUARE}]}}}}"#
        );
        let kept = parse::<Ca>(text.as_bytes()).expect("plain").properties;
        let keys: Vec<&str> = kept.keys().collect();
        assert_eq!(keys, ["a", "c"]);
        assert_eq!(kept["c"], Value::from("z"));
        assert_eq!(read(&text).expect("plain").properties.len(), 3);
    }

    #[test]
    fn a_feature_followed_by_more_is_read_to_its_end() {
        let text = format!(
            r#"{{"type":"Feature","properties":{{"a":"}},{{"}},"geometry":{{"type":"Polygon","coordinates":[{SQUARE}]}}}} ,{{"type":"Feature"}}]"#
        );
        let (f, n) = parse_at::<ImportedFeature>(text.as_bytes()).expect("plain");
        assert_eq!(&text[n..], r#" ,{"type":"Feature"}]"#);
        assert_eq!(f.properties["a"], Value::from("},{"));
    }

    #[test]
    fn anything_unusual_is_left_to_the_lenient_reader() {
        let geometry =
            |g: &str| format!(r#"{{"type":"Feature","properties":{{}},"geometry":{g}}}"#);
        for text in [
            // Coordinates before the type.
            geometry(&format!(r#"{{"coordinates":[{SQUARE}],"type":"Polygon"}}"#)),
            // Not a polygon, no geometry, a collection.
            geometry(r#"{"type":"Point","coordinates":[0,0]}"#),
            geometry("null"),
            geometry(r#"{"type":"GeometryCollection","geometries":[]}"#),
            // Z values, an open ring, a short ring, an empty polygon or multipolygon.
            geometry(r#"{"type":"Polygon","coordinates":[[[0,0,1],[1,0,1],[1,1,1],[0,0,1]]]}"#),
            geometry(r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#),
            geometry(r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#),
            geometry(r#"{"type":"Polygon","coordinates":[]}"#),
            geometry(r#"{"type":"MultiPolygon","coordinates":[]}"#),
            // A string where a number belongs; a repeated geometry.
            geometry(r#"{"type":"Polygon","coordinates":[[["0",0],[1,0],[1,1],[0,0]]]}"#),
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"Polygon","coordinates":[{SQUARE}]}},"geometry":null}}"#
            ),
            // Not a feature, properties that are not an object, trailing text.
            format!(
                r#"{{"type":"feature","geometry":{{"type":"Polygon","coordinates":[{SQUARE}]}}}}"#
            ),
            format!(
                r#"{{"type":"Feature","properties":[1],"geometry":{{"type":"Polygon","coordinates":[{SQUARE}]}}}}"#
            ),
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"Polygon","coordinates":[{SQUARE}]}}}} x"#
            ),
            "[1,2]".to_owned(),
        ] {
            assert!(read(&text).is_none(), "{text}");
        }
    }
}
