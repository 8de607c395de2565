//! The park's things: districts, parcels, ledger cases, and their enumerations with stable
//! codes and Chinese/English labels.

/// An enumeration stored by stable code and shown with a Chinese or English label.
///
/// Generates `ALL`, `code()`, `label(lang)`, `parse(text)` (code, Chinese or English label)
/// and serde as the code.
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident => ($code:literal, $zh:literal, $en:literal)),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// Stable code stored in files and databases.
            #[must_use]
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code),+
                }
            }

            /// Label in the interface language.
            #[must_use]
            pub fn label(self, lang: $crate::model::Lang) -> &'static str {
                match lang {
                    $crate::model::Lang::Zh => match self { $(Self::$variant => $zh),+ },
                    $crate::model::Lang::En => match self { $(Self::$variant => $en),+ },
                }
            }

            /// Reads a stable code, a Chinese label or an English label.
            #[must_use]
            pub fn parse(text: &str) -> Option<Self> {
                let text = text.trim();
                Self::ALL.iter().copied().find(|v| {
                    v.code() == text
                        || v.label($crate::model::Lang::Zh) == text
                        || v.label($crate::model::Lang::En).eq_ignore_ascii_case(text)
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                Self::parse(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!(concat!("unknown ", stringify!($name), " {:?}"), text))
                })
            }
        }
    };
}

pub(crate) use coded_enum;

mod area;
mod enterprise;
mod ledger;
mod park;

pub use area::{AreaBasis, Areas, PlaneArea};
pub use enterprise::EnterpriseFigures;
pub use ledger::{
    AREA_TOLERANCE, CauseClass, DisposalMethod, Field, FieldError, IdleKind, IdleSubtype,
    LedgerEntry, Progress,
};
pub use park::{District, PARCEL_PROPERTIES, Parcel, ParcelList, ParcelStatus, Park};

/// Interface language. Chinese is the default; the UI has an English switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A message in both languages, picked when shown ([`Text::get`]); shown in both, English
/// first, where no language is chosen (logs, `Display`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    #[must_use]
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`.
    #[must_use]
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.en, self.zh)
    }
}

impl Lang {
    /// The Chinese or the English of a text: the one way the program picks its language.
    ///
    /// ```
    /// use parkland::model::Lang;
    /// assert_eq!(Lang::Zh.pick("台账", "Ledger"), "台账");
    /// assert_eq!(Lang::En.pick("台账", "Ledger"), "Ledger");
    /// ```
    #[must_use]
    pub fn pick<T>(self, zh: T, en: T) -> T {
        match self {
            Self::Zh => zh,
            Self::En => en,
        }
    }
}
