//! What an import found: counts and messages, each naming the feature it is about. Every
//! reader returns one, and the park keeps the reports of its files; neither the model nor a
//! screen needs to know which reader wrote it.

use serde::Serialize;
use std::fmt;

/// How serious a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The feature (or file) loaded, but something was changed or is doubtful.
    Warning,
    /// The feature (or file) was not loaded.
    Error,
}

/// Which feature a message is about: its position in the file and its `id`, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureRef {
    /// Zero-based index among the file's features (a bare geometry is feature 0).
    pub index: usize,
    /// The feature's `id` member, as text.
    pub id: Option<String>,
}

impl fmt::Display for FeatureRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "feature {} (id {id})", self.index),
            None => write!(f, "feature {}", self.index),
        }
    }
}

impl Serialize for FeatureRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One finding of an import.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    pub level: Level,
    /// The feature concerned; `None` for the file as a whole.
    pub feature: Option<FeatureRef>,
    pub text: String,
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Warning => "warning",
            Level::Error => "error",
        };
        match &self.feature {
            Some(feature) => write!(f, "{level}: {feature}: {}", self.text),
            None => write!(f, "{level}: {}", self.text),
        }
    }
}

/// The outcome of importing one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    /// The file (or sample) the data came from.
    pub source: String,
    /// The CRS the coordinates were read in, e.g. `OGC:CRS84` or `EPSG:4527`.
    pub crs: String,
    /// The encoding the attributes were read in and why, for formats that do not say (a
    /// Shapefile's `.dbf`): `GBK (the .cpg says "GBK")`.
    pub encoding: Option<String>,
    /// Feature objects found (a bare geometry counts as one).
    pub features_read: usize,
    /// Features that became polygons.
    pub features_loaded: usize,
    /// Features not loaded (not polygons, empty, or broken).
    pub skipped: usize,
    /// Loaded features whose geometry is not OGC-valid.
    pub invalid_geometries: usize,
    /// Sum of the geodesic areas of the loaded features.
    pub area_m2: f64,
    pub messages: Vec<Message>,
}

impl ImportReport {
    pub(crate) fn new(source: &str) -> Self {
        Self {
            source: source.to_owned(),
            ..Self::default()
        }
    }

    pub(crate) fn warn(&mut self, feature: Option<FeatureRef>, text: impl Into<String>) {
        self.messages.push(Message {
            level: Level::Warning,
            feature,
            text: text.into(),
        });
    }

    pub(crate) fn error(&mut self, feature: Option<FeatureRef>, text: impl Into<String>) {
        self.messages.push(Message {
            level: Level::Error,
            feature,
            text: text.into(),
        });
    }

    /// True when every feature loaded as it was, with nothing to say.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.messages.is_empty()
    }

    /// Number of warnings.
    #[must_use]
    pub fn warning_count(&self) -> usize {
        self.messages
            .iter()
            .filter(|m| m.level == Level::Warning)
            .count()
    }
}
